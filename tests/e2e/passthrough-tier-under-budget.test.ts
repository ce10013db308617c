import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * With a budget set, a request the budget lets through as routed keeps the route's tier. The
 * budget stage used to take the tier of the first candidate whenever it checked a route, so an
 * unlisted `provider:model` (no tier: passthrough-headers.test.ts) came back as `x-tier: economy`,
 * the placeholder tier of a model the catalog does not know, in the header, the log row, the
 * metrics and the dashboard.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

async function clearBudgets() {
  const { db } = await sharedTestDatabase();
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await db.execute(sql.raw(`delete from ${table}`));
}

beforeAll(async () => {
  await clearBudgets();
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-upstream-key-passthrough-budget", OPENAI_BASE_URL: upstream.url, BUDGET_DAILY_USD: "100" });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await clearBudgets();
});

const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }] }).withResponse();

test("an unlisted provider:model under a budget still answers without a tier", async () => {
  const { response } = await ask("openai:gpt-9-preview-unlisted");
  expect(response.headers.get("x-tier")).toBeNull();
  expect((await proxy.logRow(response.headers.get("x-task-id")!))!.tier).toBeNull();
});

test("a listed model under a budget keeps its catalog tier", async () => {
  const { response } = await ask("openai:gpt-4o");
  expect(response.headers.get("x-tier")).toBe("standard");
});
