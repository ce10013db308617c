import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { APIError } from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { geminiTextResponse, type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { expectStreamTimings } from "../helpers/log-timings";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { readContent } from "../helpers/read-content";
import { waitFor } from "../helpers/wait-for";

/** The official `openai` client → the proxy → a mock of the Gemini REST API (the real SDK in between). */
const geminiKey = "AIzaSyE2e-mock-gemini-key-9Hc4Tz1Vb8";
let upstream: MockGeminiUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockGeminiUpstream({ apiKey: geminiKey });
  proxy = await startTestProxy({ GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: upstream.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

// Catalog prices per million tokens: flash $0.30 in / $2.50 out; pro $1.25 in, $0.31 cached, $10 out.
const flash = { input: 0.3, output: 2.5 };
const weatherTool: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] },
  },
};
type SentContent = { role: string; parts: Array<Record<string, unknown>> };
const sentContents = () => upstream.requests.at(-1)!.body.contents as SentContent[];

describe("non-streaming", () => {
  test("a Gemini model answers through the OpenAI door; trace headers and a priced log row", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gemini-2.5-flash", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Hello from the mock Gemini.");
    expect(response.headers.get("x-provider")).toBe("gemini");
    expect(response.headers.get("x-model")).toBe("gemini-2.5-flash");
    expect(upstream.requests.at(-1)!.headers["x-goog-api-key"]).toBe(geminiKey);

    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "gemini", model: "gemini-2.5-flash", status: 200, stream: false, tokensIn: 20, tokensOut: 7, finishReason: "stop" });
    expect(row!.costUsd).toBeCloseTo((20 * flash.input + 7 * flash.output) / 1e6, 12);
  });

  test("a tool round trip: the model asks for a tool, the client sends the result, the model answers", async () => {
    upstream.enqueue({ kind: "fixture", name: "tool-call" });
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "What's the weather in Paris?" }];
    const first = await client.chat.completions.create({ model: "gemini-2.5-flash", messages, tools: [weatherTool], tool_choice: "auto" });
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    const call = first.choices[0]!.message.tool_calls![0]!;
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris", unit: "celsius" });
    expect(upstream.requests.at(-1)!.body.tools).toEqual([
      { functionDeclarations: [{ name: "get_weather", description: "Current weather in a city", parametersJsonSchema: weatherTool.function.parameters }] },
    ]);

    upstream.enqueue({ kind: "json", body: geminiTextResponse("It is 18°C and sunny in Paris.", "gemini-2.5-flash") });
    messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: '{"temperature":18,"sky":"sunny"}' });
    const second = await client.chat.completions.create({ model: "gemini-2.5-flash", messages, tools: [weatherTool] });
    expect(second.choices[0]!.message.content).toBe("It is 18°C and sunny in Paris.");
    expect(second.choices[0]!.finish_reason).toBe("stop");

    const [, modelTurn, resultTurn] = sentContents();
    expect(modelTurn!.role).toBe("model");
    expect(modelTurn!.parts[0]!.functionCall).toEqual({ name: "get_weather", args: { city: "Paris", unit: "celsius" } });
    expect(modelTurn!.parts[0]!.thoughtSignature).toStartWith("CiQBcsjaf");
    expect(resultTurn).toEqual({ role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: '{"temperature":18,"sky":"sunny"}' } } }] });
  });

  test("an upstream 429 reaches the client as a 429 in the OpenAI error shape, without the key", async () => {
    upstream.enqueue({ kind: "error", status: 429, body: { error: { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" } } });
    const error = await client.chat.completions.create({ model: "gemini-2.5-flash-lite", messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(429);
    expect(apiError.message).toContain("Resource has been exhausted");
    expect(JSON.stringify(apiError.error)).not.toContain(geminiKey);
    const row = await proxy.logRow(apiError.headers?.get("x-task-id") ?? "");
    expect(row).toMatchObject({ provider: "gemini", status: 429, errorType: "rate_limit_error" });
  });
});

describe("streaming", () => {
  test("text streams through and the usage Gemini reports is logged and priced", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hello" }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Hello! How can I help you today?");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 8, total_tokens: 17 });
    expect(upstream.requests.at(-1)!.search).toBe("?alt=sse");

    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "gemini", stream: true, status: 200, tokensIn: 9, tokensOut: 8, finishReason: "stop" });
    expect(row!.costUsd).toBeCloseTo((9 * flash.input + 8 * flash.output) / 1e6, 12);
    expectStreamTimings(row);
  });

  test("cached prompt tokens and thinking tokens are priced as Gemini bills them", async () => {
    upstream.enqueue({ kind: "fixture", name: "cached-usage" });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gemini-2.5-pro", messages: [{ role: "user", content: "Explain the cache" }], stream: true })
      .withResponse();
    for await (const _chunk of stream) {
      // drain
    }
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ tokensIn: 4310, cachedTokens: 4096, tokensOut: 20 + 96 });
    // 214 plain input tokens at $1.25, 4096 cached at $0.31, 116 output (answer + thoughts) at $10.
    expect(row!.costUsd).toBeCloseTo((214 * 1.25 + 4096 * 0.31 + 116 * 10) / 1e6, 12);
  });

  test("a streamed tool round trip assembles with the SDK's stream helper", async () => {
    upstream.enqueue({ kind: "fixture", name: "parallel-tool-calls" });
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "Read src/app.ts and list tests" }];
    const tools: ChatCompletionTool[] = [
      { type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } },
      { type: "function", function: { name: "list_files", parameters: { type: "object", properties: { path: { type: "string" }, recursive: { type: "boolean" } } } } },
    ];
    const final = await client.chat.completions.stream({ model: "gemini-2.5-flash", messages, tools }).finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(message.content).toBe("I'll read the file and list the tests.");
    const calls = message.tool_calls!.map((call) => (call.type === "function" ? [call.function.name, JSON.parse(call.function.arguments)] : []));
    expect(calls).toEqual([
      ["read_file", { path: "src/app.ts" }],
      ["list_files", { path: "tests", recursive: true }],
    ]);

    upstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    messages.push(
      { role: "assistant", content: message.content, tool_calls: message.tool_calls },
      { role: "tool", tool_call_id: message.tool_calls![0]!.id, content: "export const app = 1;" },
      { role: "tool", tool_call_id: message.tool_calls![1]!.id, content: "app.test.ts" },
    );
    const answer = await client.chat.completions.stream({ model: "gemini-2.5-flash", messages, tools }).finalChatCompletion();
    expect(answer.choices[0]!.message.content).toBe("Hello! How can I help you today?");
    const [, modelTurn, resultTurn] = sentContents();
    expect(modelTurn!.parts.map((part) => Object.keys(part))).toEqual([["text"], ["functionCall", "thoughtSignature"], ["functionCall"]]);
    expect(resultTurn!.parts).toEqual([
      { functionResponse: { name: "read_file", response: { output: "export const app = 1;" } } },
      { functionResponse: { name: "list_files", response: { output: "app.test.ts" } } },
    ]);
  });

  test("thinking reaches the client as reasoning_content, not content", async () => {
    upstream.enqueue({ kind: "fixture", name: "thinking" });
    const stream = await client.chat.completions.create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "17 × 23?" }], stream: true, reasoning_effort: "low" });
    let content = "";
    let reasoning = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      content += delta?.content ?? "";
      reasoning += delta?.reasoning_content ?? "";
    }
    expect(content).toBe("17 × 23 = **391**.");
    expect(reasoning).toContain("Checking the arithmetic");
    expect((upstream.requests.at(-1)!.body.generationConfig as Record<string, unknown>).thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
  });

  test("a mid-stream Gemini error reaches the client as an API error and is logged as a failure", async () => {
    upstream.enqueue({ kind: "fixture", name: "mid-stream-error" });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    const { text, failure } = await readContent(stream);
    expect(text).toBe("Partial");
    expect(failure?.message).toContain("An internal error has occurred");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "gemini", status: 502, errorType: "upstream_error" });
  });
});

describe("timeouts and disconnects", () => {
  let quick: TestProxy;
  let quickClient: OpenAI;
  beforeAll(async () => {
    quick = await startTestProxy({ GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: upstream.url, UPSTREAM_TIMEOUT_MS: "300" });
    quickClient = new OpenAI({ apiKey: "anything", baseURL: quick.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await quick.close();
  });

  test("a Gemini request that hangs is aborted at UPSTREAM_TIMEOUT_MS and answered with 504", async () => {
    const abortedBefore = upstream.aborted;
    upstream.enqueue({ kind: "hang" });
    const error = await quickClient.chat.completions.create({ model: "gemini-2.5-flash-lite", messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(504);
    await waitFor(() => upstream.aborted > abortedBefore, { what: "the mock to see the abort" });
    expect(upstream.aborted).toBe(abortedBefore + 1);
  });

  test("a client that leaves mid-stream ends the Gemini request too", async () => {
    const abortedBefore = upstream.aborted;
    upstream.enqueue({ kind: "fixture", name: "text-with-usage", intervalMs: 150 });
    const controller = new AbortController();
    const stream = await quickClient.chat.completions.create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hello" }], stream: true }, { signal: controller.signal });
    let received = "";
    // The SDK ends the iteration quietly when its own signal aborts.
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? "";
      if (received) controller.abort();
    }
    expect(received).toBe("Hello");
    await waitFor(() => upstream.aborted > abortedBefore, { what: "the mock to see the abort" });
    expect(upstream.aborted).toBe(abortedBefore + 1);
  });
});


describe("per-model request rules through the OpenAI door", () => {
  // A coding tool's usual knobs: the Gemini 3.5+ and 4 models get a thinking level and none of the
  // sampling fields they ignore or reject; Gemini 2.5 keeps temperature and a thinking budget.
  const knobs = { temperature: 0.2, top_p: 0.9, frequency_penalty: 0.5, reasoning_effort: "high" as const };
  const cases: Array<[string, Record<string, unknown>]> = [
    ["gemini-4-argon", { thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true } }],
    ["gemini-4-hydrogen", { thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true } }],
    ["gemini-3.8-flash", { thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true } }],
    ["gemini-3.5-flash-lite", { thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true } }],
    ["gemini-2.5-flash", { temperature: 0.2, topP: 0.9, thinkingConfig: { thinkingBudget: 24_576, includeThoughts: true } }],
  ];

  test.each(cases)("%s, not streamed and streamed", async (model, expected) => {
    const answer = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hello" }], ...knobs });
    expect(answer.choices[0]!.message.content).toBe("Hello from the mock Gemini.");
    expect(upstream.requests.at(-1)!).toMatchObject({ method: "generateContent", model, body: { generationConfig: expected } });
    expect(upstream.requests.at(-1)!.body.generationConfig).toEqual(expected);

    const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hello" }], ...knobs, stream: true });
    for await (const _chunk of stream);
    expect(upstream.requests.at(-1)!).toMatchObject({ method: "streamGenerateContent", model });
    expect(upstream.requests.at(-1)!.body.generationConfig).toEqual(expected);
  });
});
