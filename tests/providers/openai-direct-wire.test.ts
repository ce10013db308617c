import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { silentLogger } from "../../src/logger";
import { createOpenAICompatibleProvider, type OpenAICompatibleOptions } from "../../src/providers/openai-compatible/openai-compatible-provider";
import { toOpenAIRequest } from "../../src/providers/openai-compatible/to-openai-request";
import { openaiModelRules } from "../../src/providers/openai/openai-model-rules";
import type { LLMProvider } from "../../src/providers/types";
import { ProxyError } from "../../src/errors";
import { type CapturedRequest, type RawHttpCapture, startRawHttpCapture } from "../helpers/raw-http-capture";
import { defaultCompletion, readFixtureLines } from "../helpers/mock-openai-upstream";

/**
 * The OpenAI-wire provider sends chat completions with fetch directly, not through the `openai`
 * SDK (direct-chat-call.ts). Here both go to a raw TCP server that keeps the exact request bytes:
 * for each request shape, the provider's request and the official SDK's request for the same body
 * (an SDK client built with the provider's own options) must be byte for byte the same, request
 * line and headers in order included. And an upstream error comes out as the SDK's did.
 */
let capture: RawHttpCapture;
let errorStatus: number | undefined;

beforeAll(() => {
  capture = startRawHttpCapture((request) => {
    if (errorStatus !== undefined) {
      return { status: errorStatus, contentType: "application/json", body: JSON.stringify({ error: { message: "Invalid value for 'temperature'.", type: "invalid_request_error", param: "temperature", code: "invalid_value" } }) };
    }
    const body = JSON.parse(request.body) as { model: string; stream?: boolean };
    if (body.stream) return { status: 200, contentType: "text/event-stream", body: readFixtureLines("text-with-usage").map((line) => `data: ${line}\n\n`).join("") };
    return { status: 200, contentType: "application/json", body: JSON.stringify(defaultCompletion(body.model)) };
  });
});
afterAll(() => capture.close());

const providers: Array<[string, Omit<OpenAICompatibleOptions, "baseUrl">]> = [
  [
    "OpenAI",
    {
      id: "openai",
      displayName: "OpenAI",
      apiKey: "sk-proj-wire-test-0000000000000000",
      capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true },
      maxTokensField: "max_completion_tokens",
      strictFields: true,
      modelRules: openaiModelRules,
      listModels: async () => [],
      logger: silentLogger,
    },
  ],
  [
    "a custom OpenAI-compatible server",
    {
      id: "custom-local",
      displayName: "Local vLLM",
      apiKey: "local-key",
      capabilities: { tools: true, vision: false, jsonMode: true, reasoning: false },
      maxTokensField: "max_tokens",
      listModels: async () => [],
      logger: silentLogger,
    },
  ],
];

const shapes: Array<[string, Record<string, unknown>]> = [
  ["a plain question", { messages: [{ role: "user", content: "What is 2 + 2?" }] }],
  [
    "an agent turn with tools, history and non-ASCII text",
    {
      messages: [
        { role: "system", content: "You are a coding agent. Réponds brièvement — 日本語も可。" },
        { role: "user", content: "Read src/app.ts" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"src/app.ts"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: 'export const app = "\\u2028";\n' },
      ],
      tools: [{ type: "function", function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } } }],
      tool_choice: "auto",
      temperature: 0.2,
      max_tokens: 900,
      user: "someone",
    },
  ],
];

async function run(provider: LLMProvider, request: ChatRequest, model: string) {
  const call = { request, model, signal: new AbortController().signal };
  if (!request.stream) return provider.complete(call);
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of await provider.stream(call)) chunks.push(chunk);
  return chunks;
}

describe("the direct chat call puts the SDK's bytes on the wire", () => {
  for (const [providerName, options] of providers) {
    for (const [shapeName, shape] of shapes) {
      for (const stream of [false, true]) {
        test(`${providerName}, ${shapeName}, ${stream ? "streamed" : "not streamed"}`, async () => {
          const baseUrl = `${capture.origin}/v1`;
          const provider = createOpenAICompatibleProvider({ ...options, baseUrl });
          const model = "gpt-4o-mini";
          const request = chatRequestSchema.parse({ model, ...shape, stream }) as ChatRequest;
          const sdk = new OpenAI({ apiKey: options.apiKey, baseURL: baseUrl, maxRetries: 0, timeout: 60 * 60 * 1000 });
          const body = toOpenAIRequest(request, model, options, silentLogger);

          const before = capture.requests.length;
          const answer = await run(provider, request, model);
          if (stream) await (await sdk.chat.completions.create(body as never, { signal: new AbortController().signal }).asResponse()).text();
          else await sdk.chat.completions.create(body as never);
          expect(capture.requests.length).toBe(before + 2);
          const [direct, official] = capture.requests.slice(-2) as [CapturedRequest, CapturedRequest];
          expect(direct.raw).toBe(official.raw);
          // The bytes carry what they should (not two empty requests that happen to match).
          expect(direct.raw.startsWith("POST /v1/chat/completions HTTP/1.1\r\n")).toBe(true);
          expect(direct.raw).toContain(`\r\nAuthorization: Bearer ${options.apiKey}\r\n`);
          expect(direct.raw).toContain("\r\nUser-Agent: OpenAI/JS ");
          expect(direct.raw).toContain(JSON.stringify(body));
          if (stream) expect((answer as ChatCompletionChunk[]).some((chunk) => chunk.choices[0]?.delta.content)).toBe(true);
          else expect((answer as { choices: unknown[] }).choices.length).toBe(1);
        });
      }
    }
  }
});

describe("an upstream error through the direct call", () => {
  test("a 400 reads as the SDK's error did: status, message, code and param kept", async () => {
    errorStatus = 400;
    try {
      const provider = createOpenAICompatibleProvider({ ...providers[0]![1], baseUrl: `${capture.origin}/v1` });
      const request = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], temperature: 1.5 }) as ChatRequest;
      const error = await provider.complete({ request, model: "gpt-4o-mini", signal: new AbortController().signal }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProxyError);
      expect((error as ProxyError).status).toBe(400);
      expect((error as ProxyError).message).toBe("OpenAI returned 400: Invalid value for 'temperature'.");
      expect((error as ProxyError).code).toBe("invalid_value");
      expect((error as ProxyError).param).toBe("temperature");
    } finally {
      errorStatus = undefined;
    }
  });

  test("a refused connection is a retryable 502 naming the provider", async () => {
    const provider = createOpenAICompatibleProvider({ ...providers[1]![1], baseUrl: "http://127.0.0.1:9/v1" });
    const request = chatRequestSchema.parse({ model: "m", messages: [{ role: "user", content: "x" }], stream: true }) as ChatRequest;
    const error = await provider.stream({ request, model: "m", signal: new AbortController().signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).status).toBe(502);
    expect((error as ProxyError).code).toBe("upstream_unreachable");
    expect((error as ProxyError).retryable).toBe(true);
    expect((error as ProxyError).message).toStartWith("Could not reach Local vLLM: ");
  });
});
