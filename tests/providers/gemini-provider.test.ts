import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { createGeminiProvider } from "../../src/providers/gemini/gemini-provider";
import { mapGeminiError } from "../../src/providers/gemini/map-gemini-error";
import type { LLMProvider } from "../../src/providers/types";
import { googleError, type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { waitFor } from "../helpers/wait-for";

/** The Gemini provider against the mock Gemini server: responses, streams and every error path. */
const apiKey = "AIzaSyD-mock-gemini-key-7Qx2Lp9Wm4";
let upstream: MockGeminiUpstream;
let provider: LLMProvider;

beforeAll(() => {
  upstream = startMockGeminiUpstream({ apiKey });
  provider = createGeminiProvider({ apiKey, baseUrl: upstream.url, models: [{ id: "gemini-2.5-flash" }], logger: silentLogger });
});

afterAll(async () => {
  await upstream.close();
});

const hello: ChatRequest = chatRequestSchema.parse({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hello" }] });
const call = (overrides: { signal?: AbortSignal; model?: string } = {}) => ({ request: hello, model: overrides.model ?? "gemini-2.5-flash", signal: overrides.signal ?? new AbortController().signal });
async function drain(stream: ReadableStream<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}
async function failureOf(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProxyError);
  return error as ProxyError;
}

describe("non-streaming responses", () => {
  test("text, usage and ids", async () => {
    const completion = await provider.complete(call());
    expect(completion).toMatchObject({ object: "chat.completion", model: "gemini-2.5-flash", id: "chatcmpl-mockDefaultResponse0001" });
    expect(completion.choices[0]).toMatchObject({ index: 0, message: { role: "assistant", content: "Hello from the mock Gemini." }, finish_reason: "stop" });
    expect(completion.usage).toEqual({ prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("function calls become tool_calls with call_ ids and finish_reason tool_calls", async () => {
    upstream.enqueue({ kind: "fixture", name: "parallel-tool-calls" });
    const { choices } = await provider.complete(call());
    const message = choices[0]!.message;
    expect(choices[0]!.finish_reason).toBe("tool_calls");
    expect(message.content).toBe("I'll read the file and list the tests.");
    expect(message.tool_calls!.map((toolCall) => [toolCall.type, toolCall.function.name, JSON.parse(toolCall.function.arguments)])).toEqual([
      ["function", "read_file", { path: "src/app.ts" }],
      ["function", "list_files", { path: "tests", recursive: true }],
    ]);
    expect(message.tool_calls!.every((toolCall) => /^call_[0-9a-f]{24}$/.test(toolCall.id))).toBe(true);
  });

  test("thoughts go to reasoning_content; cached and thinking tokens are counted", async () => {
    upstream.enqueue({ kind: "fixture", name: "thinking" });
    const thinking = await provider.complete(call());
    expect(thinking.choices[0]!.message.content).toBe("17 × 23 = **391**.");
    expect(thinking.choices[0]!.message.reasoning_content).toContain("17 × 20 = 340");
    upstream.enqueue({ kind: "fixture", name: "cached-usage" });
    const cached = await provider.complete(call({ model: "gemini-2.5-pro" }));
    expect(cached.usage).toMatchObject({ prompt_tokens: 4310, completion_tokens: 116, prompt_tokens_details: { cached_tokens: 4096 }, completion_tokens_details: { reasoning_tokens: 96 } });
  });

  test("a blocked prompt is a content_filter answer with a refusal", async () => {
    upstream.enqueue({ kind: "fixture", name: "blocked-prompt" });
    const { choices } = await provider.complete(call());
    expect(choices[0]).toMatchObject({ finish_reason: "content_filter", message: { content: null, refusal: "Gemini blocked the prompt (PROHIBITED_CONTENT)." } });
  });

  test("MAX_TOKENS is length", async () => {
    upstream.enqueue({ kind: "fixture", name: "max-tokens" });
    expect((await provider.complete(call())).choices[0]!.finish_reason).toBe("length");
  });
});

describe("streaming", () => {
  test("both SSE framings Google uses parse the same", async () => {
    for (const framing of ["crlf", "lf"] as const) {
      upstream.enqueue({ kind: "fixture", name: "text-with-usage", framing });
      const chunks = await drain(await provider.stream(call()));
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Hello! How can I help you today?");
      expect(chunks.at(-1)!.usage?.total_tokens).toBe(17);
    }
  });

  test("an error payload mid-stream fails the stream with a mapped ProxyError after the text so far", async () => {
    upstream.enqueue({ kind: "fixture", name: "mid-stream-error" });
    const reader = (await provider.stream(call())).getReader();
    expect((await reader.read()).value?.choices[0]?.delta.content).toBe("Partial");
    const error = await failureOf(reader.read());
    expect(error).toMatchObject({ status: 502, type: "upstream_error", code: "internal", retryable: true });
    expect(error.message).toContain("An internal error has occurred");
  });

  test("a connection cut mid-stream fails the stream with a ProxyError", async () => {
    upstream.enqueue({ kind: "cut", name: "text-with-usage", lines: 1 });
    const reader = (await provider.stream(call())).getReader();
    expect((await reader.read()).value?.choices[0]?.delta.content).toBe("Hello");
    const error = await failureOf(reader.read());
    expect(error).toMatchObject({ status: 502, type: "upstream_error", code: "upstream_connection_lost" });
    expect(error.message).toStartWith("The connection to Gemini broke mid-stream");
  });

  test("an error before the stream starts rejects stream()", async () => {
    upstream.enqueue({ kind: "error", status: 503, body: googleError(503, "The model is overloaded. Please try again later.") });
    const error = await failureOf(provider.stream(call()));
    expect(error).toMatchObject({ status: 502, retryable: true, code: "unavailable" });
    expect(error.message).toBe("Gemini returned 503: The model is overloaded. Please try again later.");
  });

  test("aborting the signal ends the upstream request", async () => {
    upstream.enqueue({ kind: "hang" });
    const before = upstream.aborted;
    const requestsBefore = upstream.requests.length;
    const controller = new AbortController();
    const pending = provider.stream(call({ signal: controller.signal }));
    await waitFor(() => upstream.requests.length > requestsBefore, { what: "the request to reach the mock" });
    controller.abort();
    const error = await pending.then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeDefined();
    await waitFor(() => upstream.aborted > before, { what: "the mock to see the abort" });
    expect(upstream.aborted).toBe(before + 1);
  });
});

describe("errors", () => {
  const cases: Array<[string, number, unknown, Partial<ProxyError>]> = [
    ["bad request", 400, googleError(400, "* GenerateContentRequest.contents: contents is not specified"), { status: 400, type: "invalid_request_error", retryable: false, code: "invalid_argument" }],
    ["permission", 403, googleError(403, "Permission denied: Consumer has been suspended."), { status: 403, type: "permission_error", retryable: false }],
    ["unknown model", 404, googleError(404, "models/gemini-9 is not found for API version v1beta, or is not supported for generateContent."), { status: 404, type: "not_found_error" }],
    ["rate limit", 429, googleError(429, "You exceeded your current quota, please check your plan and billing details."), { status: 429, type: "rate_limit_error", retryable: true, code: "resource_exhausted" }],
    ["server error", 500, googleError(500, "An internal error has occurred."), { status: 502, type: "upstream_error", retryable: true }],
  ];
  for (const [name, status, body, expected] of cases) {
    test(`${name} (${status})`, async () => {
      upstream.enqueue({ kind: "error", status, body });
      const error = await failureOf(provider.complete(call()));
      expect(error).toMatchObject(expected);
      expect(error.message).toContain((body as { error: { message: string } }).error.message);
    });
  }

  test("an invalid key (Gemini's 400 API_KEY_INVALID) is an authentication error, and the key is not echoed", async () => {
    const wrongKey = "AIzaSyWrong-key-that-the-mock-rejects00";
    const wrong = createGeminiProvider({ apiKey: wrongKey, baseUrl: upstream.url, models: [], logger: silentLogger });
    const error = await failureOf(wrong.complete(call()));
    expect(error).toMatchObject({ status: 401, type: "authentication_error", retryable: false });
    expect(error.message).toContain("API key not valid");
    expect(JSON.stringify(error.toJSON())).not.toContain(wrongKey);
  });

  test("an upstream message that quotes the key, in any form, is redacted", async () => {
    const message = `Request https://generativelanguage.googleapis.com/v1beta/models/x?key=${apiKey}&alt=sse with x-goog-api-key: ${apiKey} failed`;
    upstream.enqueue({ kind: "error", status: 400, body: googleError(400, message) });
    const error = await failureOf(provider.complete(call()));
    expect(error.message).not.toContain(apiKey);
    expect(error.message).not.toContain("7Qx2Lp9Wm4");
    expect(error.message).toContain("key=[redacted]");
    // Keys that do not look like Google keys are removed too.
    const plainKey = "plain-secret-value-0001";
    const other = startMockGeminiUpstream({ apiKey: plainKey });
    try {
      const plain = createGeminiProvider({ apiKey: plainKey, baseUrl: other.url, models: [], logger: silentLogger });
      other.enqueue({ kind: "error", status: 500, body: googleError(500, `backend saw key ${plainKey}`) });
      const rejected = await failureOf(plain.complete(call()));
      expect(rejected.message).toContain("backend saw key [redacted]");
    } finally {
      await other.close();
    }
  });

  test("an unreachable upstream is a retryable 502", async () => {
    const nowhere = createGeminiProvider({ apiKey, baseUrl: "http://127.0.0.1:9", models: [], logger: silentLogger });
    const error = await failureOf(nowhere.complete(call()));
    expect(error).toMatchObject({ status: 502, type: "upstream_error", code: "upstream_unreachable", retryable: true });
    expect(error.message).not.toContain(apiKey);
  });

  test("timeouts and aborts from fetch map to 504 and 499; ProxyErrors and non-errors pass through", () => {
    expect(mapGeminiError(new DOMException("The operation timed out.", "TimeoutError"), apiKey)).toMatchObject({ status: 504, type: "timeout_error", retryable: true });
    expect(mapGeminiError(new DOMException("The operation was aborted.", "AbortError"), apiKey)).toMatchObject({ status: 499, type: "client_closed" });
    const proxyError = new ProxyError(418, "teapot", { type: "invalid_request_error" });
    expect(mapGeminiError(proxyError, apiKey)).toBe(proxyError);
    expect(mapGeminiError("a string", apiKey)).toBe("a string");
    // The SDK's own stream parser failing is an upstream fault, not a proxy bug.
    expect(mapGeminiError(new Error("Incomplete JSON segment at the end"), apiKey)).toMatchObject({ status: 502, code: "malformed_upstream_response" });
  });
});
