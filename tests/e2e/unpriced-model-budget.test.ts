import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { capturingLogger } from "../helpers/capturing-logger";
import { clearBudgets } from "../helpers/clear-budgets";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A `provider:model` the catalog does not list has no price: it costs $0 to the budgets, which
 * never check or count it. No price is invented; instead the first such request while a budget
 * covers it logs a warning naming the model (never a key) and how to price it, and
 * GET /api/budgets and the dashboard's Budgets page say which requests went uncounted.
 */
const KEY = "sk-test-unpriced-budget-0000000000";
let upstream: MockOpenAIUpstream;
let budgeted: TestProxy;
let unbudgeted: TestProxy;
const budgetedLog = capturingLogger();
const unbudgetedLog = capturingLogger();

beforeAll(async () => {
  await clearBudgets();
  upstream = startMockOpenAIUpstream();
  unbudgeted = await startTestProxy({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: upstream.url }, { logger: unbudgetedLog.logger });
  budgeted = await startTestProxy({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: upstream.url, BUDGET_DAILY_USD: "100" }, { logger: budgetedLog.logger });
});

afterAll(async () => {
  await budgeted?.close();
  await unbudgeted?.close();
  await upstream?.close();
  await clearBudgets();
});

const ask = (proxy: TestProxy, model: string) =>
  new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });

const unpricedWarnings = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.level === "warn" && JSON.stringify(line).includes("MODEL_CATALOG_FILE"));

test("the first unpriced request under a budget logs one warning naming the model and how to price it", async () => {
  await ask(budgeted, "openai:ft-unpriced-model-7");
  await ask(budgeted, "openai:ft-unpriced-model-7");
  await ask(budgeted, "gpt-4o-mini");
  const warnings = unpricedWarnings(budgetedLog.lines);
  expect(warnings.length).toBe(1);
  expect(JSON.stringify(warnings[0])).toContain("openai:ft-unpriced-model-7");
  expect(JSON.stringify(budgetedLog.lines)).not.toContain(KEY);
});

test("a model name holding a key is redacted in the warning", async () => {
  const keyLike = "sk-proj-AbCdEfGhIjKlMnOpQrStUv0123456789";
  await ask(budgeted, `openai:${keyLike}`);
  const warnings = unpricedWarnings(budgetedLog.lines);
  expect(warnings.length).toBe(2);
  expect(JSON.stringify(budgetedLog.lines)).not.toContain(keyLike);
});

test("GET /api/budgets and the Budgets page say which requests the budgets did not count", async () => {
  const api = (await (await fetch(`${budgeted.origin}/api/budgets`)).json()) as { unpriced?: { models: Array<{ model: string; requests: number }>; note: string } };
  expect(api.unpriced?.models).toContainEqual({ model: "openai:ft-unpriced-model-7", requests: 2 });
  expect(api.unpriced?.note).toContain("MODEL_CATALOG_FILE");
  const html = await (await fetch(`${budgeted.origin}/dashboard/budgets`)).text();
  expect(html).toContain('id="unpriced-requests"');
  expect(html).toContain("openai:ft-unpriced-model-7");
  expect(html).toContain("MODEL_CATALOG_FILE");
});

test("without a budget nothing is counted against, so nothing is said", async () => {
  await ask(unbudgeted, "openai:ft-unpriced-model-7");
  expect(unpricedWarnings(unbudgetedLog.lines).length).toBe(0);
  const api = (await (await fetch(`${unbudgeted.origin}/api/budgets`)).json()) as { unpriced?: { models: unknown[] } };
  expect(api.unpriced?.models ?? []).toEqual([]);
});
