import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { clearBudgets } from "../helpers/clear-budgets";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A `provider:model` name the catalog does not list is passed through with its price unknown
 * (recorded as $0) and no tier (README, Choosing a model). Its row claimed the whole baseline as
 * routing's saving (the dashboard showed "Saved by routing $0.00044 (100%)" beside "price
 * unknown"; a named model now records no baseline at all), and with a budget set it was logged
 * under its entry's placeholder tier, economy.
 */
let upstream: MockOpenAIUpstream;
let plain: TestProxy;
let budgeted: TestProxy;

beforeAll(async () => {
  await clearBudgets();
  upstream = startMockOpenAIUpstream();
  const env = { OPENAI_API_KEY: "sk-unlisted-report-00000000", OPENAI_BASE_URL: upstream.url };
  plain = await startTestProxy(env);
  budgeted = await startTestProxy({ ...env, BUDGET_DAILY_USD: "100" });
});

afterAll(async () => {
  await plain?.close();
  await budgeted?.close();
  await upstream?.close();
  await clearBudgets();
});

async function send(proxy: TestProxy, model: string): Promise<string> {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] }).withResponse();
  return response.headers.get("x-task-id")!;
}

test("an unlisted model's unknown price saves nothing by routing, in the row and on its page", async () => {
  // A model the router chose (a tier) is compared with the baseline…
  const priced = await plain.logRow(await send(plain, "economy"));
  expect(priced?.baselineCostUsd).toBeGreaterThan(0);
  // …a pass-through model, whose price nobody knows, is not.
  const taskId = await send(plain, "openai:ft-unpriced-model-1");
  const row = await plain.logRow(taskId);
  expect(row?.costUsd).toBe(0);
  expect(row?.baselineCostUsd).toBeNull();
  const html = await (await fetch(`${plain.origin}/dashboard/requests/${taskId}`)).text();
  expect(/id="detail-routing-saved">(?:<[^>]*>)?([^<]*)</.exec(html)?.[1]).toStartWith("—");
});

test("with a budget set, an unlisted model is still logged without a tier", async () => {
  const post = (model: string) =>
    fetch(`${budgeted.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
  // The budget is checked (a priced model's answer says what is left)…
  expect((await post("gpt-4o-mini")).headers.get("x-budget-remaining")).toStartWith("global:daily=");
  // …and a $0 pass-through reserves nothing, so it must keep the route's "no tier".
  const response = await post("openai:ft-unpriced-model-2");
  expect(response.status).toBe(200);
  expect(response.headers.get("x-tier")).toBeNull();
  const row = await budgeted.logRow(response.headers.get("x-task-id")!);
  expect(row?.tier).toBeNull();
});
