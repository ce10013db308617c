import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { TOOLS_UNAVAILABLE_NOTICE } from "../../src/providers/claude-cli/claude-cli-provider";
import { type ClaudeCliSandbox, createClaudeCliSandbox, realClaudeCli, realCliChildren } from "../helpers/claude-cli-sandbox";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { expectStreamTimings } from "../helpers/log-timings";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The official `openai` client → the proxy (CLAUDE_CLI_ENABLED, CLAUDE_CLI_PATH = the real binary)
 * → `claude -p` → the mock Anthropic API. The provider hands the CLI the proxy's own environment,
 * captured when the provider is built; the sandbox's variables are in process.env only for that moment.
 */
let upstream: MockAnthropicUpstream;
let sandbox: ClaudeCliSandbox;
let proxy: TestProxy;
let client: OpenAI;
const slow = { timeout: 20_000 };

async function withEnvironment<T>(environment: Record<string, string>, build: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    return await build();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function expectNoCliChildren(): Promise<void> {
  const deadline = performance.now() + 3000;
  while (realCliChildren().length > 0 && performance.now() < deadline) await Bun.sleep(20);
  expect(realCliChildren()).toEqual([]);
}

beforeAll(async () => {
  upstream = startMockAnthropicUpstream();
  sandbox = createClaudeCliSandbox(upstream.url);
  proxy = await withEnvironment(sandbox.env, () => startTestProxy({ CLAUDE_CLI_ENABLED: "true", CLAUDE_CLI_PATH: realClaudeCli }));
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  sandbox.cleanup();
});

describe("openai client → proxy → claude CLI → mock Anthropic", () => {
  test("the CLI's models are listed", async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids.some((id) => id.endsWith("claude-haiku-4-5"))).toBe(true);
  });

  test("non-streaming: the answer, trace headers and a priced log row", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "claude-cli:claude-haiku-4-5", messages: [{ role: "system", content: "Be kind." }, { role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(DEFAULT_MOCK_TEXT);
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(response.headers.get("x-provider")).toBe("claude-cli");
    expect(response.headers.get("x-model")).toBe("claude-haiku-4-5");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "claude-cli", model: "claude-haiku-4-5", status: 200, stream: false, tokensIn: 25, tokensOut: 12 });
    // claude-haiku-4-5 at the Anthropic prices: $1 in, $5 out per million.
    expect(row!.costUsd).toBeCloseTo((25 * 1 + 12 * 5) / 1e6, 12);
    await expectNoCliChildren();
  }, slow);

  test("streaming: text arrives in pieces, usage when asked for", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "One two three four five." }], usage: { input_tokens: 30, output_tokens: 6, cache_read_input_tokens: 100 } } });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "claude-cli:claude-haiku-4-5", messages: [{ role: "user", content: "Count" }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks = await Array.fromAsync(stream);
    const pieces = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").filter((piece) => piece !== "");
    expect(pieces.join("")).toBe("One two three four five.");
    expect(pieces.length).toBeGreaterThan(1);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 130, completion_tokens: 6, prompt_tokens_details: { cached_tokens: 100 } });
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "claude-cli", stream: true, status: 200, tokensIn: 130, cachedTokens: 100, finishReason: "stop" });
    expectStreamTimings(row);
  }, slow);

  test("tools sent to this provider explicitly: answered, with a notice that they were unavailable", async () => {
    const completion = await client.chat.completions.create({
      model: "claude-cli:claude-haiku-4-5",
      messages: [{ role: "user", content: "Read src/app.ts" }],
      tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }],
    });
    expect(completion.choices[0]!.message.content).toBe(`${TOOLS_UNAVAILABLE_NOTICE}${DEFAULT_MOCK_TEXT}`);
    expect(completion.choices[0]!.message.tool_calls ?? []).toEqual([]);
    const lastBody = upstream.requests.filter((request) => request.path === "/v1/messages").at(-1)!.body;
    expect(lastBody.tools).toEqual([]);
  }, slow);

  test("an upstream failure reaches the client as an OpenAI-shaped 502", async () => {
    upstream.enqueue({ kind: "error", status: 401 });
    const error = await client.chat.completions
      .create({ model: "claude-cli:claude-haiku-4-5", messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("The Claude CLI reported an error (upstream status 401)");
    expect((error as InstanceType<typeof OpenAI.APIError>).message).not.toContain("sk-ant-test-local-mock-key");
    await expectNoCliChildren();
  }, slow);

  test("a client that disconnects mid-stream leaves no CLI process behind", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "word ".repeat(60) }] }, intervalMs: 100 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "claude-cli:claude-haiku-4-5", messages: [{ role: "user", content: "Talk slowly" }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    const reading = (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) received++;
    })().catch(() => {});
    const deadline = performance.now() + 10_000;
    while (received < 2 && performance.now() < deadline) await Bun.sleep(20);
    expect(received).toBeGreaterThanOrEqual(2);
    expect(realCliChildren()).toHaveLength(1);
    controller.abort();
    await reading;
    await expectNoCliChildren();
    const closed = performance.now() + 3000;
    while (upstream.aborted === 0 && performance.now() < closed) await Bun.sleep(20);
    expect(upstream.aborted).toBe(1);
  }, slow);
});
