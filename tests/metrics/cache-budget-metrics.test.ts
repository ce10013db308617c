import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * The response cache's and the budgets' series in /metrics, counted through a known sequence of
 * requests on one proxy (a miss, a hit, a bypass, a downgrade, an upstream failure, a refusal),
 * and the whole exposition read back by a Prometheus text parser.
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
  // gpt-4o may cost ~$0.010 for these requests, gpt-4o-mini ~$0.0006: $0.004 covers only the cheap tier.
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-cache-metrics-0000000", OPENAI_BASE_URL: upstream.url, CACHE_ENABLED: "true", BUDGET_DAILY_USD: "0.004" });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await clearBudgets();
});

const ask = (model: string, content: string, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content }], max_tokens: 1_000, temperature: 0 }),
  });

async function scrape(): Promise<MetricFamily[]> {
  const response = await fetch(`${proxy.origin}/metrics`);
  expect(response.status).toBe(200);
  return parsePrometheusTextFormat(await response.text());
}

function value(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((item) => item.name === name);
  if (!family) throw new Error(`${name} is not in /metrics`);
  const sample = family.metrics.find((item) => Object.entries(labels).every(([key, expected]) => item.labels?.[key] === expected));
  if (!sample) throw new Error(`${name} has no series ${JSON.stringify(labels)}`);
  return Number(sample.value);
}

const stores = async () => value(await scrape(), "claude_proxy_cache_stores_total");
const unique = (text: string) => `${text} (${crypto.randomUUID()})`;

test("cache lookups, stores and LRU size, budget reservations, settlements, releases, downgrades, refusals and per-budget figures", async () => {
  const question = unique("Rename the variable x to count in utils.ts");
  expect((await ask("gpt-4o-mini", question)).headers.get("x-cache")).toBe("MISS");
  await waitFor(async () => (await stores()) === 1, { what: "the first answer to be stored" });
  expect((await ask("gpt-4o-mini", question)).headers.get("x-cache")).toBe("HIT");
  expect((await ask("gpt-4o-mini", question, { "x-cache": "bypass" })).headers.get("x-cache")).toBe("BYPASS");
  const downgraded = await ask("gpt-4o", unique("Rename the variable y to total in utils.ts"));
  expect(downgraded.headers.get("x-route-reason")).toContain("downgraded to");
  // The bypass stores its fresh answer; an answer a budget downgrade sent to a cheaper model is not stored.
  await waitFor(async () => (await stores()) === 2, { what: "the bypassed answer to be stored" });
  upstream.enqueue({ kind: "error", status: 400, body: { error: { message: "bad request", type: "invalid_request_error", param: null, code: null } } });
  expect((await ask("gpt-4o-mini", unique("Fails upstream"))).status).toBe(400);
  await fetch(`${proxy.origin}/api/budgets`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ budgets: [{ scope: "global", period: "daily", limit_usd: 0 }] }) });
  const refused = await ask("gpt-4o-mini", unique("Refused by the budget"));
  expect(refused.status).toBe(429);

  await waitFor(async () => value(await scrape(), "claude_proxy_budget_releases_total") === 1, { what: "the failed request's reservation to be released" });
  // The release reaches the database a moment later; the figures follow within a refresh (5 s).
  await waitFor(async () => value(await scrape(), "claude_proxy_budget_reserved_usd", { scope: "global", period: "daily" }) === 0, { what: "nothing held on the budget", timeoutMs: 8_000, intervalMs: 100 });
  const families = await scrape();
  const cache = (name: string, labels?: Record<string, string>) => value(families, `claude_proxy_cache_${name}`, labels);
  expect([cache("lookups_total", { result: "hit" }), cache("lookups_total", { result: "miss" }), cache("lookups_total", { result: "bypass" })]).toEqual([1, 4, 1]);
  expect(cache("stores_total")).toBe(2);
  expect(cache("table_hits_total")).toBe(0);
  for (const operation of ["read", "write", "sync", "dropped_write"]) expect(cache("errors_total", { operation })).toBe(0);
  // The bypass replaced the first answer under the same key, and the downgrade stored nothing: one answer in memory.
  expect(cache("memory_entries")).toBe(1);
  expect(cache("memory_bytes")).toBeGreaterThan(200);
  expect(cache("memory_max_entries")).toBeGreaterThan(0);

  const budget = (name: string, labels?: Record<string, string>) => value(families, `claude_proxy_budget_${name}`, labels);
  // Reserved: the miss, the bypass, the downgrade and the failure; the hit and the refusal reserve nothing.
  expect(budget("reservations_total")).toBe(4);
  expect(budget("settlements_total")).toBe(3);
  expect(budget("releases_total")).toBe(1);
  expect(budget("downgraded_total")).toBe(1);
  expect(budget("blocked_total")).toBe(1);
  const daily = { scope: "global", period: "daily" };
  expect(budget("limit_usd", daily)).toBe(0);
  expect(budget("spent_usd", daily)).toBeGreaterThan(0);
  expect(budget("reserved_usd", daily)).toBe(0);

  const types = new Map(families.map((family) => [family.name, family.type]));
  expect(types.get("claude_proxy_cache_lookups_total")).toBe("COUNTER");
  expect(types.get("claude_proxy_cache_memory_bytes")).toBe("GAUGE");
  expect(types.get("claude_proxy_budget_spent_usd")).toBe("GAUGE");
});
