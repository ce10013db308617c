import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * An upstream's 429 says when to come back (`retry-after`); the SDKs and Claude Code wait exactly
 * that long when the header is there, and guess with exponential backoff when it is not. The
 * proxy passed the 429 on without it, so clients retried too early (and spent a rate-limited
 * attempt) or too late.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  // Four 429s in a row must not open the model's circuit breaker for this test.
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-retry-after-test-000000", OPENAI_BASE_URL: upstream.url, CONSECUTIVE_FAILURE_LIMIT: "100" });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const rateLimited = (headers: Record<string, string>) => ({
  kind: "error" as const,
  status: 429,
  headers,
  body: { error: { message: "Rate limit reached for gpt-4o-mini on tokens per min (TPM). Please try again in 7s.", type: "tokens", param: null, code: "rate_limit_exceeded" } },
});

describe("an upstream 429's retry-after reaches the client", () => {
  test("OpenAI door", async () => {
    upstream.enqueue(rateLimited({ "retry-after": "7" }));
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after")).toBe("7");
  });

  test("Anthropic door, from retry-after-ms (rounded up to whole seconds)", async () => {
    upstream.enqueue(rateLimited({ "retry-after-ms": "1500" }));
    const client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    const error = await client.messages.create({ model: "gpt-4o-mini", max_tokens: 20, messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after")).toBe("2");
  });

  test("Responses door, streamed request refused before its stream", async () => {
    upstream.enqueue(rateLimited({ "retry-after": "3" }));
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.responses.create({ model: "gpt-4o-mini", input: "Hi", stream: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after")).toBe("3");
  });

  test("a 429 without the header gets none", async () => {
    upstream.enqueue(rateLimited({}));
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after")).toBeNull();
  });
});
