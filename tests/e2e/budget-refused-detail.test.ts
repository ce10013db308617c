import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { clearBudgets } from "../helpers/clear-budgets";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The cache is asked before the budget, so a request a budget refuses is a cache miss; its detail
 * page said "miss: sent to the model (and stored if cacheable)", though no model ever saw it.
 * The page says what happened instead; a miss that did reach a model keeps the old words.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  await clearBudgets();
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    OPENAI_API_KEY: "sk-test-budget-refused-detail-00",
    OPENAI_BASE_URL: upstream.url,
    CACHE_ENABLED: "true",
    BUDGET_DAILY_USD: "0",
    BUDGET_ACTION: "block",
  });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await clearBudgets();
});

const cacheLine = async (taskId: string) => {
  await proxy.logRow(taskId);
  const html = await (await fetch(`${proxy.origin}/dashboard/requests/${taskId}`)).text();
  return /id="detail-cache">([\s\S]*?)<\/dd>/.exec(html)?.[1]?.replace(/<[^>]*>/g, "") ?? "";
};

test("a request refused by a budget is a miss that was never sent to a model", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }] }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  expect(upstream.requests.length).toBe(0);
  const taskId = (error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("x-task-id");
  expect(taskId).toBeString();
  const line = await cacheLine(taskId!);
  expect(line).toStartWith("miss");
  expect(line).not.toContain("sent to the model");
  expect(line).toContain("not sent to any model");
  expect(line).toContain("refused by a budget");
});

test("a miss that reached a model still says so", async () => {
  await fetch(`${proxy.origin}/api/budgets`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ budgets: [{ scope: "global", period: "daily", limit_usd: null }] }),
  });
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello again" }] }).withResponse();
  expect(await cacheLine(response.headers.get("x-task-id")!)).toStartWith("miss: sent to the model");
});
