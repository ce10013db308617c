import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { sql } from "drizzle-orm";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A 429 budget_exceeded that only the budget's reset can mend carries `x-should-retry: false`, so
 * the official SDKs (and Claude Code, which retries a 429 up to 10 times with back-off) give up at
 * once instead of sending the refused request again and again. Clients use their default retries.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

async function clearBudgets() {
  const { db } = await sharedTestDatabase();
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await db.execute(sql.raw(`delete from ${table}`));
}

beforeAll(async () => {
  await clearBudgets();
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-budget-retry-000000000", OPENAI_BASE_URL: upstream.url, BUDGET_DAILY_USD: "0", BUDGET_ACTION: "block" });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await clearBudgets();
});

/** A fetch that counts the requests an SDK sends. */
function countingFetch() {
  const sent: { headers: Headers }[] = [];
  const counted = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    sent.push({ headers: response.headers });
    return response;
  };
  return { sent, fetch: counted as typeof fetch };
}

test("the OpenAI SDK sends a refused request once", async () => {
  const counter = countingFetch();
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, fetch: counter.fetch });
  const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("budget_exceeded");
  expect(counter.sent.length).toBe(1);
  expect(counter.sent[0]!.headers.get("x-should-retry")).toBe("false");
  expect(upstream.requests.length).toBe(0);
});

test("the Anthropic SDK sends a refused request once", async () => {
  const counter = countingFetch();
  const client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, fetch: counter.fetch });
  const error = await client.messages.create({ model: "gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: "Hello" }] }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(Anthropic.RateLimitError);
  expect(counter.sent.length).toBe(1);
  expect(counter.sent[0]!.headers.get("x-should-retry")).toBe("false");
  expect(upstream.requests.length).toBe(0);
});
