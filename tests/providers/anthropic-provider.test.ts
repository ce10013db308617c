import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { APIConnectionTimeoutError } from "@anthropic-ai/sdk";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { loadConfig } from "../../src/config";
import { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { createAnthropicProvider, createAnthropicProviders, normalizeAnthropicBaseUrl } from "../../src/providers/anthropic/anthropic-provider";
import { mapAnthropicError } from "../../src/providers/anthropic/map-anthropic-error";
import type { LLMProvider } from "../../src/providers/types";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { waitFor } from "../helpers/wait-for";

/** The provider through the official SDK against the mock Anthropic server. */
const apiKey = "sk-ant-api03-provider-test-key-000000";
const catalog = new ModelCatalog(SHIPPED_CATALOG);
let upstream: MockAnthropicUpstream;
let provider: LLMProvider;

beforeAll(() => {
  upstream = startMockAnthropicUpstream({ apiKey });
  provider = createAnthropicProvider({ apiKey, baseUrl: upstream.url, catalog, logger: silentLogger });
});

afterAll(async () => {
  await upstream.close();
});

const request = (body: Record<string, unknown>) => chatRequestSchema.parse({ model: "claude-haiku-4-5", ...body }) as ChatRequest;
const call = (body: Record<string, unknown>, signal = new AbortController().signal) => ({ request: request(body), model: "claude-haiku-4-5", signal });
const hello = { messages: [{ role: "user", content: "Hello" }] };

async function collect(stream: ReadableStream<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function failure(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProxyError);
  return error as ProxyError;
}

describe("factory", () => {
  test("inactive without a key; with one, lists the catalog's Anthropic models", async () => {
    const context = { logger: silentLogger };
    expect(await createAnthropicProviders(loadConfig({}), catalog, context)).toEqual([]);
    const [active] = await createAnthropicProviders(loadConfig({ ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: upstream.url }), catalog, context);
    expect(active!.id).toBe("anthropic");
    // Exactly the catalog's Anthropic entries, once each (the claude-cli entries share their names).
    const expected = catalog.forProvider("anthropic").map((entry) => ({ id: entry.model, contextWindow: entry.contextWindow }));
    expect(expected.length).toBeGreaterThan(0);
    expect(await active!.listModels()).toEqual(expected);
    expect(expected.map((model) => model.id)).toContain("claude-haiku-4-5");
  });

  test("a base URL with /v1 works too", () => {
    expect(normalizeAnthropicBaseUrl("https://api.anthropic.com/v1/")).toBe("https://api.anthropic.com");
    expect(normalizeAnthropicBaseUrl("http://127.0.0.1:9/")).toBe("http://127.0.0.1:9");
    expect(normalizeAnthropicBaseUrl(undefined)).toBeUndefined();
  });
});

describe("complete", () => {
  test("sends the translated request with the configured key and maps the message back", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: {
        content: [
          { type: "thinking", thinking: "The user greets me." },
          { type: "text", text: "Hi there." },
        ],
        usage: { input_tokens: 30, cache_read_input_tokens: 2000, cache_creation_input_tokens: 100, output_tokens: 12 },
      },
    });
    const completion = await provider.complete(call({ messages: [{ role: "system", content: "Be kind." }, ...hello.messages], max_tokens: 300, temperature: 0.5 }));
    const received = upstream.requests.at(-1)!;
    expect(received.path).toBe("/v1/messages");
    expect(received.headers["x-api-key"] ?? received.headers.authorization).toContain(apiKey);
    expect(received.body).toEqual({
      model: "claude-haiku-4-5",
      max_tokens: 300,
      // Plain-string content stays a string, as the Messages API takes it.
      system: "Be kind.",
      messages: [{ role: "user", content: "Hello" }],
      temperature: 0.5,
      stream: false,
    });
    expect(completion.choices[0]).toMatchObject({ finish_reason: "stop", message: { role: "assistant", content: "Hi there.", reasoning_content: "The user greets me." } });
    expect(completion.usage).toEqual({
      prompt_tokens: 2130,
      completion_tokens: 12,
      total_tokens: 2142,
      prompt_tokens_details: { cached_tokens: 2000, cache_write_tokens: 100 },
    });
  });

  test("tool_use blocks become tool_calls with JSON arguments and content null", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "tool_use", id: "toolu_9", name: "read_file", input: { path: "a.ts" } }] } });
    const completion = await provider.complete(call({ ...hello, tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }] }));
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([{ id: "toolu_9", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }]);
    expect(upstream.requests.at(-1)!.body.tools).toEqual([{ name: "read_file", input_schema: { type: "object" } }]);
  });

  test("signed thinking and redacted thinking come back as reasoning_details, in block order", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: {
        content: [
          { type: "thinking", thinking: "Check the file first.", signature: "sig-complete-1" },
          { type: "redacted_thinking", data: "EmwKAhgBRedacted==" },
          { type: "tool_use", id: "toolu_10", name: "read_file", input: { path: "a.ts" } },
        ],
      },
    });
    const message = (await provider.complete(call({ ...hello, tools: [{ type: "function", function: { name: "read_file" } }] }))).choices[0]!.message;
    expect(message.reasoning_content).toBe("Check the file first.");
    expect(message.reasoning_details).toEqual([
      { type: "reasoning.text", text: "Check the file first.", signature: "sig-complete-1", format: "anthropic-claude-v1", index: 0 },
      { type: "reasoning.encrypted", data: "EmwKAhgBRedacted==", format: "anthropic-claude-v1", index: 1 },
    ]);
  });

  test("models the SDK lists as deprecated cause no stray console output", async () => {
    const warn = spyOn(console, "warn");
    try {
      await provider.complete({ ...call(hello), model: "claude-sonnet-4-5" });
      expect(upstream.requests.at(-1)!.body.model).toBe("claude-sonnet-4-5");
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test("the default reply needs no script", async () => {
    const completion = await provider.complete(call(hello));
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_MOCK_TEXT);
  });
});

describe("stream", () => {
  test("streams text and tool calls, then finish and usage chunks", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: { content: [{ type: "text", text: "Reading it now." }, { type: "tool_use", id: "toolu_5", name: "read_file", input: { path: "src/app.ts" } }] },
    });
    const chunks = await collect(await provider.stream(call({ ...hello, stream: true })));
    expect(upstream.requests.at(-1)!.body.stream).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Reading it now.");
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({ index: 0, id: "toolu_5", type: "function", function: { name: "read_file", arguments: "" } });
    expect(JSON.parse(toolDeltas.map((delta) => delta.function?.arguments ?? "").join(""))).toEqual({ path: "src/app.ts" });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 12 });
  });

  test("a mid-stream error event ends the stream with a mapped, redacted ProxyError", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: { content: [{ type: "text", text: "Partial answer here" }] },
      midStreamError: { afterEvents: 4, type: "overloaded_error", message: "Overloaded (key sk-ant-api03-leakedleakedleaked)" },
    });
    const stream = await provider.stream(call({ ...hello, stream: true }));
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
      } catch (caught) {
        return caught as ProxyError;
      }
    })();
    expect(seen.join("")).toBe("Partial ");
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ status: 502, type: "upstream_error", code: "overloaded_error", retryable: true });
    expect(error!.message).not.toContain("leakedleaked");
  });

  test("cancelling the stream aborts the upstream request", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "a b c d e f g h i j k l m n o p" }] }, intervalMs: 30 });
    const before = upstream.aborted;
    const reader = (await provider.stream(call({ ...hello, stream: true }))).getReader();
    await reader.read();
    await reader.cancel();
    await waitFor(() => upstream.aborted > before, { what: "the mock to see the abort" });
    expect(upstream.aborted).toBe(before + 1);
  });

  test("an abort before the answer rejects and frees the mock", async () => {
    upstream.enqueue({ kind: "hang" });
    const before = upstream.aborted;
    const requestsBefore = upstream.requests.length;
    const controller = new AbortController();
    const pending = provider.stream({ ...call({ ...hello, stream: true }), signal: controller.signal });
    await waitFor(() => upstream.requests.length > requestsBefore, { what: "the request to reach the mock" });
    controller.abort();
    expect(await pending.then(() => "resolved", () => "rejected")).toBe("rejected");
    await waitFor(() => upstream.aborted > before, { what: "the mock to see the abort" });
    expect(upstream.aborted).toBe(before + 1);
  });
});

describe("errors", () => {
  const cases: Array<[number, number, string, boolean]> = [
    [400, 400, "invalid_request_error", false],
    [401, 401, "authentication_error", false],
    [403, 403, "permission_error", false],
    [404, 404, "not_found_error", false],
    [429, 429, "rate_limit_error", true],
    [500, 502, "upstream_error", true],
    [529, 502, "upstream_error", true],
  ];
  for (const [upstreamStatus, status, type, retryable] of cases) {
    test(`upstream ${upstreamStatus} → ${status} ${type}${retryable ? ", retryable" : ""}`, async () => {
      upstream.enqueue({ kind: "error", status: upstreamStatus });
      const error = await failure(provider.complete(call(hello)));
      expect(error).toMatchObject({ status, type, retryable });
      expect(error.message).toStartWith(`Anthropic returned ${upstreamStatus}: `);
    });
  }

  test("the same mapping applies before a stream starts", async () => {
    upstream.enqueue({ kind: "error", status: 529 });
    const error = await failure(provider.stream(call({ ...hello, stream: true })));
    expect(error).toMatchObject({ status: 502, code: "overloaded_error", retryable: true });
    expect(error.message).toContain("Overloaded");
  });

  test("secrets in upstream messages are redacted", async () => {
    upstream.enqueue({ kind: "error", status: 401, message: "invalid x-api-key: sk-ant-api03-abcdefghijklmnopqrstuvwxyz" });
    const error = await failure(provider.complete(call(hello)));
    expect(error.message).not.toContain("abcdefghijklmnop");
    expect(error.message).toContain("[redacted]");
  });

  test("'prompt is too long' carries OpenAI's context_length_exceeded code", async () => {
    upstream.enqueue({ kind: "error", status: 400, message: "prompt is too long: 210345 tokens > 200000 maximum" });
    expect(await failure(provider.complete(call(hello)))).toMatchObject({ status: 400, code: "context_length_exceeded" });
  });

  test("a wrong configured key gets the upstream's 401", async () => {
    const wrong = createAnthropicProvider({ apiKey: "sk-ant-wrong-key-0000000000", baseUrl: upstream.url, catalog, logger: silentLogger });
    expect(await failure(wrong.complete(call(hello)))).toMatchObject({ status: 401, type: "authentication_error" });
  });

  test("an unreachable upstream is a retryable 502", async () => {
    const closed = startMockAnthropicUpstream();
    const url = closed.url;
    await closed.close();
    const unreachable = createAnthropicProvider({ apiKey, baseUrl: url, catalog, logger: silentLogger });
    expect(await failure(unreachable.complete(call(hello)))).toMatchObject({ status: 502, code: "upstream_unreachable", retryable: true });
  });

  test("an SDK timeout is a retryable 504", () => {
    expect(mapAnthropicError(new APIConnectionTimeoutError())).toMatchObject({ status: 504, type: "timeout_error", retryable: true });
  });

  test("an invalid request is rejected before anything is sent", async () => {
    const before = upstream.requests.length;
    const error = await failure(provider.complete(call({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] })));
    expect(error.status).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });
});
