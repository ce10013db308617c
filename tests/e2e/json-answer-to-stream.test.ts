import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Some OpenAI-compatible servers ignore `stream: true` and answer with one JSON completion. That is
 * a whole answer: every door streams it to its client. Before, the proxy read it as an SSE stream
 * with no events and answered 502 "The upstream ended the stream without sending anything."
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [{ id: "plain", baseUrl: upstream.url, models: [{ id: "plain-model", inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, tier: "economy" }] }];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), CONSECUTIVE_FAILURE_LIMIT: "1000" });
  openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const completion = {
  id: "chatcmpl-plain",
  object: "chat.completion",
  created: 1,
  model: "plain-model",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Checking.", tool_calls: [{ id: "call_plain_1", type: "function", function: { name: "list_files", arguments: '{"path":"src"}' } }] },
      finish_reason: "tool_calls",
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
};
const tool = { type: "function" as const, function: { name: "list_files", parameters: { type: "object", properties: { path: { type: "string" } } } } };

test("the chat door streams a JSON answer as chunks: text, the tool call, its finish reason, usage", async () => {
  upstream.enqueue({ kind: "json", body: completion });
  const { data: stream, response } = await openai.chat.completions
    .create({ model: "plain:plain-model", stream: true, stream_options: { include_usage: true }, tools: [tool], messages: [{ role: "user", content: "list src" }] })
    .withResponse();
  let text = "";
  let args = "";
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    for (const call of chunk.choices[0]?.delta.tool_calls ?? []) args += call.function?.arguments ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  expect(text).toBe("Checking.");
  expect(args).toBe('{"path":"src"}');
  expect(finish).toBe("tool_calls");
  expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 6 });
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ status: 200, tokensIn: 12, tokensOut: 6 });
});

test("the Messages door streams it as Anthropic events", async () => {
  upstream.enqueue({ kind: "json", body: completion });
  const stream = anthropic.messages.stream({
    model: "plain:plain-model",
    max_tokens: 100,
    tools: [{ name: "list_files", input_schema: { type: "object", properties: { path: { type: "string" } } } }],
    messages: [{ role: "user", content: "list src" }],
  });
  const message = await stream.finalMessage();
  expect(message.content).toMatchObject([
    { type: "text", text: "Checking." },
    { type: "tool_use", id: "call_plain_1", name: "list_files", input: { path: "src" } },
  ]);
  expect(message.stop_reason).toBe("tool_use");
});

test("the Responses door streams it as Responses events", async () => {
  upstream.enqueue({ kind: "json", body: completion });
  const stream = openai.responses.stream({
    model: "plain:plain-model",
    input: "list src",
    tools: [{ type: "function", name: "list_files", parameters: tool.function.parameters, strict: false }],
  });
  const response = await stream.finalResponse();
  expect(response.status).toBe("completed");
  expect(response.output).toMatchObject([
    { type: "message", content: [{ type: "output_text", text: "Checking." }] },
    { type: "function_call", call_id: "call_plain_1", name: "list_files", arguments: '{"path":"src"}' },
  ]);
});

test("a JSON body that is no completion (an error object with a 200) is still a 502, not an empty answer", async () => {
  upstream.enqueue({ kind: "json", body: { error: { message: "Provider returned error", code: 502 } } });
  const failure = await openai.chat.completions.create({ model: "plain:plain-model", stream: true, messages: [{ role: "user", content: "hi" }] }).catch((error) => error);
  expect(failure).toBeInstanceOf(OpenAI.APIError);
  expect(failure.status).toBe(502);
  expect(failure.error).toMatchObject({ code: "malformed_upstream_response" });
});
