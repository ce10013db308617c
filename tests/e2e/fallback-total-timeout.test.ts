import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * When FALLBACK_TOTAL_TIMEOUT_MS cuts the last attempt short, the error names the chain's total
 * limit, not only the few milliseconds that attempt had left, in each door's own error shape.
 * Every OpenAI model (a mock) hangs: the first times out after UPSTREAM_TIMEOUT_MS, the next gets
 * what is left of the total.
 */
const UPSTREAM_TIMEOUT_MS = 1000;
// 500 ms left for the second attempt: a first timeout that fires late under load must not use up the total.
const FALLBACK_TOTAL_TIMEOUT_MS = 1500;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    OPENAI_API_KEY: "sk-test-total-timeout-1234567890",
    OPENAI_BASE_URL: upstream.url,
    UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    FALLBACK_TOTAL_TIMEOUT_MS: String(FALLBACK_TOTAL_TIMEOUT_MS),
    CONSECUTIVE_FAILURE_LIMIT: "1000",
  });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const hangs = () => upstream.enqueue(...Array.from({ length: 6 }, () => ({ kind: "hang" as const })));
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("the request should fail"),
    (error: unknown) => error as { status?: number; message: string; error?: unknown },
  );

function expectTotalLimit(error: { status?: number; message: string }) {
  expect(error.status).toBe(504);
  expect(error.message).toContain("FALLBACK_TOTAL_TIMEOUT_MS");
  expect(error.message).toContain(`${FALLBACK_TOTAL_TIMEOUT_MS} ms`);
}

test("chat completions door: the OpenAI error names the total limit", async () => {
  hangs();
  const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  const error = await caught(client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "Hello" }] }));
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expectTotalLimit(error);
  const apiError = error as InstanceType<typeof OpenAI.APIError>;
  expect(apiError.type).toBe("timeout_error");
  expect(apiError.code).toBe("fallback_timeout");

  // The attempt the total cut short is not charged to its model's breaker; the one that timed out is.
  const row = await proxy.logRow(apiError.headers!.get("x-task-id")!);
  const tried = row!.attempts!.filter((attempt) => attempt.error !== undefined && attempt.error !== "circuit open");
  expect(tried.length).toBe(2);
  const breakers = ((await (await fetch(`${proxy.origin}/api/routing`)).json()) as { breakers: { key: string; consecutiveFailures: number }[] }).breakers;
  const failures = (attempt: { provider: string; model: string }) => breakers.find((breaker) => breaker.key === `${attempt.provider}:${attempt.model}`)?.consecutiveFailures ?? 0;
  expect(failures(tried[0]!)).toBe(1);
  expect(failures(tried[1]!)).toBe(0);
}, 15_000);

test("messages door: Anthropic's timeout_error names the total limit", async () => {
  hangs();
  const client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  const error = await caught(client.messages.create({ model: "economy", max_tokens: 64, messages: [{ role: "user", content: "Hello" }] }));
  expect(error).toBeInstanceOf(Anthropic.APIError);
  expectTotalLimit(error);
  expect((error.error as { error: { type: string } }).error.type).toBe("timeout_error");
}, 15_000);

test("responses door: the Responses error names the total limit", async () => {
  hangs();
  const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  const error = await caught(client.responses.create({ model: "economy", input: "Hello" }));
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expectTotalLimit(error);
  expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("fallback_timeout");
}, 15_000);
