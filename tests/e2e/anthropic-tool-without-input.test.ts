import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Claude calling a tool that takes no parameters streams no argument text (an empty input). OpenAI
 * clients parse a call's `arguments` as JSON (Codex does, on the Responses door), so a streamed
 * call must carry "{}" as the non-streamed answer does, never "".
 */
const KEY = "sk-ant-no-input-tool-upstream-key";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url });
  client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const model = "anthropic:claude-sonnet-4-6";

test("the Responses door streams the function call with arguments {}", async () => {
  upstream.enqueue({ kind: "fixture", name: "tool-use-no-input" });
  const stream = client.responses.stream({
    model,
    input: "List the files.",
    tools: [{ type: "function", name: "list_files", parameters: { type: "object", properties: {} }, strict: false }],
  });
  let done: string | undefined;
  for await (const event of stream) if (event.type === "response.function_call_arguments.done") done = event.arguments;
  const response = await stream.finalResponse();
  expect(done).toBe("{}");
  expect(response.output).toMatchObject([{ type: "function_call", call_id: "toolu_01NoInputCall000000000001", name: "list_files", arguments: "{}" }]);
});

test("the chat door streams the tool call with arguments {}", async () => {
  upstream.enqueue({ kind: "fixture", name: "tool-use-no-input" });
  const stream = await client.chat.completions.create({
    model,
    stream: true,
    messages: [{ role: "user", content: "List the files." }],
    tools: [{ type: "function", function: { name: "list_files", parameters: { type: "object", properties: {} } } }],
  });
  let args = "";
  let finish: string | null = null;
  for await (const chunk of stream) {
    for (const call of chunk.choices[0]?.delta.tool_calls ?? []) args += call.function?.arguments ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  expect(args).toBe("{}");
  expect(finish).toBe("tool_calls");
});
