import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { googleError, type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Gemini says when to come back from a 429 in its error body, not in a header: a
 * `google.rpc.RetryInfo` detail with `retryDelay` ("37s", "1.5s"). The proxy passed the 429 on
 * without a `retry-after`, so the client's SDK guessed with a short backoff and spent its retries
 * on a quota that was still exhausted.
 */
const geminiKey = "AIzaSyRetryDelay-mock-gemini-key-7Qx2";
let upstream: MockGeminiUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockGeminiUpstream({ apiKey: geminiKey });
  proxy = await startTestProxy({ GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: upstream.url, CONSECUTIVE_FAILURE_LIMIT: "100" });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const quotaExhausted = (retryDelay: string) => ({
  kind: "error" as const,
  status: 429,
  body: googleError(429, "You exceeded your current quota, please check your plan and billing details.", [
    { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests" }] },
    { "@type": "type.googleapis.com/google.rpc.Help", links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }] },
    { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay },
  ]),
});

const retryAfterOf = (error: unknown) => (error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after");

test.each([
  { name: "not streamed", stream: false, retryDelay: "37s", expected: "37" },
  { name: "streamed, a fractional delay rounded up", stream: true, retryDelay: "1.5s", expected: "2" },
])("a 429 with RetryInfo ($name): retry-after reaches the client", async ({ stream, retryDelay, expected }) => {
  upstream.enqueue(quotaExhausted(retryDelay));
  const error = await client.chat.completions
    .create({ model: "gemini:gemini-2.5-flash", stream, messages: [{ role: "user", content: "Hi" }] })
    .then(async (answer) => {
      if (Symbol.asyncIterator in answer) for await (const _ of answer);
    })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  expect(retryAfterOf(error)).toBe(expected);
});

test("a 429 without RetryInfo gets no retry-after", async () => {
  upstream.enqueue({ kind: "error", status: 429, body: googleError(429, "Resource has been exhausted (e.g. check quota).") });
  const error = await client.chat.completions.create({ model: "gemini:gemini-2.5-flash", messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  expect(retryAfterOf(error)).toBeNull();
});
