import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { APIError } from "openai";
import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { startAnthropicProviderProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";
import { readContent } from "../helpers/read-content";

/** The official `openai` client → the proxy → a mock of the Anthropic Messages API (the real SDK in between). */
const anthropicKey = "sk-ant-api03-e2e-mock-anthropic-key-7Qm2";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startAnthropicProviderProxy(anthropicKey));
});

afterAll(async () => {
  await close?.();
});

// Catalog prices per million tokens, claude-haiku-4-5: $1 in, $0.10 cache read, $1.25 cache write, $5 out.
const haiku = { input: 1, cacheRead: 0.1, cacheWrite: 1.25, output: 5 };
const weatherTool: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
type SentMessage = { role: string; content: string | Array<Record<string, unknown>> };
const sentMessages = () => upstream.requests.at(-1)!.body.messages as SentMessage[];

describe("non-streaming", () => {
  test("a Claude model answers through the OpenAI door; trace headers and a priced log row", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "claude-haiku-4-5", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(DEFAULT_MOCK_TEXT);
    expect(response.headers.get("x-provider")).toBe("anthropic");
    expect(response.headers.get("x-model")).toBe("claude-haiku-4-5");
    const sent = upstream.requests.at(-1)!;
    expect(sent.headers["x-api-key"] ?? sent.headers.authorization).toContain(anthropicKey);
    expect(sent.body.system).toBe("Be brief.");
    // No max_tokens from the client: the model's maximum output from the catalog.
    expect(sent.body.max_tokens).toBe(64_000);

    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5", status: 200, stream: false, tokensIn: 25, tokensOut: 12, finishReason: "stop" });
    expect(row!.costUsd).toBeCloseTo((25 * haiku.input + 12 * haiku.output) / 1e6, 12);
  });

  test("a tool round trip: the model asks for a tool, the client sends the result, the model answers", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "tool_use", id: "toolu_01E2eWeather", name: "get_weather", input: { city: "Paris" } }] } });
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "What's the weather in Paris?" }];
    const first = await client.chat.completions.create({ model: "claude-haiku-4-5", messages, tools: [weatherTool], tool_choice: "auto" });
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    const call = first.choices[0]!.message.tool_calls![0]!;
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call).toMatchObject({ id: "toolu_01E2eWeather", function: { name: "get_weather" } });
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    expect(upstream.requests.at(-1)!.body.tools).toEqual([{ name: "get_weather", description: "Current weather in a city", input_schema: weatherTool.function.parameters }]);
    expect(upstream.requests.at(-1)!.body.tool_choice).toEqual({ type: "auto" });

    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "It is 18°C and sunny in Paris." }] } });
    messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: '{"temperature":18,"sky":"sunny"}' });
    const second = await client.chat.completions.create({ model: "claude-haiku-4-5", messages, tools: [weatherTool] });
    expect(second.choices[0]!.message.content).toBe("It is 18°C and sunny in Paris.");
    expect(second.choices[0]!.finish_reason).toBe("stop");
    expect(sentMessages()).toEqual([
      { role: "user", content: "What's the weather in Paris?" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_01E2eWeather", name: "get_weather", input: { city: "Paris" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01E2eWeather", content: '{"temperature":18,"sky":"sunny"}' }] },
    ]);
  });

  test("upstream errors reach the client in the OpenAI error shape: 529 → 502, 429 → 429", async () => {
    upstream.enqueue({ kind: "error", status: 529 });
    const overloaded = (await client.chat.completions.create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught)) as APIError;
    expect(overloaded).toBeInstanceOf(APIError);
    expect(overloaded.status).toBe(502);
    expect(overloaded.message).toContain("Overloaded");

    upstream.enqueue({ kind: "error", status: 429 });
    const limited = (await client.chat.completions.create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught)) as APIError;
    expect(limited.status).toBe(429);
    expect(limited.type).toBe("rate_limit_error");
    expect(limited.message).not.toContain(anthropicKey);
  });

  test("through an alias, a model that rejects forced tool use and sampling parameters gets auto and none of them", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "tool_use", id: "toolu_01E2eOpus", name: "get_weather", input: { city: "Oslo" } }] } });
    const { data, response } = await client.chat.completions
      .create({ model: "opus", messages: [{ role: "user", content: "Weather in Oslo?" }], tools: [weatherTool], tool_choice: "required", temperature: 0.2, top_p: 0.8 })
      .withResponse();
    expect(response.headers.get("x-model")).toBe("claude-opus-5-5");
    expect(data.choices[0]!.finish_reason).toBe("tool_calls");
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.tool_choice).toEqual({ type: "auto" });
    expect(sent).not.toHaveProperty("temperature");
    expect(sent).not.toHaveProperty("top_p");
    expect(sent).not.toHaveProperty("thinking");
  });
});

describe("streaming", () => {
  test("a streamed tool round trip assembles in the SDK; cache tokens are priced once each", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: {
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "toolu_01E2eStreamA", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_01E2eStreamB", name: "get_weather", input: { city: "Rome" } },
        ],
        usage: { input_tokens: 40, cache_read_input_tokens: 3000, cache_creation_input_tokens: 500, output_tokens: 60 },
      },
    });
    const messages: ChatCompletionMessageParam[] = [{ role: "system", content: "Long cached prompt." }, { role: "user", content: "Weather in Paris and Rome?" }];
    const { data: raw, response } = await client.chat.completions.create({ model: "claude-haiku-4-5", messages, tools: [weatherTool], stream: true }).withResponse();
    // The SDK's own accumulator assembles the deltas, as OpenAI clients do.
    const first = await ChatCompletionStream.fromReadableStream(raw.toReadableStream()).finalChatCompletion();
    expect(upstream.requests.at(-1)!.body.stream).toBe(true);
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBe("Let me check.");
    const calls = choice.message.tool_calls!.map((call) => (call.type === "function" ? [call.id, call.function.name, JSON.parse(call.function.arguments)] : []));
    expect(calls).toEqual([
      ["toolu_01E2eStreamA", "get_weather", { city: "Paris" }],
      ["toolu_01E2eStreamB", "get_weather", { city: "Rome" }],
    ]);

    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "anthropic", stream: true, status: 200, tokensIn: 3540, tokensOut: 60, cachedTokens: 3000, cacheWriteTokens: 500, finishReason: "tool_calls" });
    expect(row!.costUsd).toBeCloseTo((40 * haiku.input + 3000 * haiku.cacheRead + 500 * haiku.cacheWrite + 60 * haiku.output) / 1e6, 12);

    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "Paris 18°C, Rome 24°C." }] } });
    messages.push(
      choice.message,
      { role: "tool", tool_call_id: "toolu_01E2eStreamA", content: "18C" },
      { role: "tool", tool_call_id: "toolu_01E2eStreamB", content: "24C" },
    );
    const stream = await client.chat.completions.create({ model: "claude-haiku-4-5", messages, tools: [weatherTool], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Paris 18°C, Rome 24°C.");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 12 });
    // Both results went back in one user turn, after the assistant's text and two tool_use blocks.
    const [, assistant, results] = sentMessages();
    expect((assistant!.content as Array<Record<string, unknown>>).map((block) => block.type)).toEqual(["text", "tool_use", "tool_use"]);
    expect(results).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_01E2eStreamA", content: "18C" },
        { type: "tool_result", tool_use_id: "toolu_01E2eStreamB", content: "24C" },
      ],
    });
  });

  test("thinking streams as reasoning_content, never in content; usage is hidden from a client that did not ask", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "thinking", thinking: "Simple greeting." }, { type: "text", text: "Hi!" }] } });
    const stream = await client.chat.completions.create({ model: "claude-sonnet-5-5", messages: [{ role: "user", content: "Hello" }], stream: true, reasoning_effort: "low" });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined);
    expect(deltas.map((delta) => delta?.reasoning_content ?? "").join("")).toBe("Simple greeting.");
    expect(deltas.map((delta) => delta?.content ?? "").join("")).toBe("Hi!");
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    // Claude Sonnet 5.5 takes only adaptive thinking: the effort goes to output_config, no budget.
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.model).toBe("claude-sonnet-5-5");
    expect(sent.thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect(sent.output_config).toEqual({ effort: "low" });
    expect(upstream.pending()).toBe(0);
  });

  test("a mid-stream error reaches the client as an API error and is logged as a failure", async () => {
    upstream.enqueue({ kind: "fixture", name: "mid-stream-error" });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    const { text, failure } = await readContent(stream);
    expect(text).toBe("Partial");
    expect(failure?.message).toContain("Overloaded");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "anthropic", status: 502, errorType: "upstream_error" });
  });
});
