import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { worstCaseCostUsd } from "../../src/budget/worst-case-cost";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { loadConfig } from "../../src/config";
import type { DatabaseHandle } from "../../src/db/client";
import { silentLogger } from "../../src/logger";
import { requestNeeds } from "../../src/routing/request-needs";
import { buildProxy, type Proxy } from "../../src/server";
import { defaultCompletion, type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { createScratchPostgres, type ScratchPostgres } from "../helpers/scratch-postgres";
import { sharedTestDatabase, testDatabaseUrl } from "../helpers/test-database";
import { waitFor } from "../helpers/wait-for";

/**
 * Budgets cannot be overrun under concurrency: 50 requests at once against a daily budget with
 * room for 5 worst cases dispatch exactly 5 and refuse 45 (BUDGET_ACTION=block, 429
 * budget_exceeded in the OpenAI error shape, naming the budget and its reset), on PGlite, on the
 * PostgreSQL server, and split over two proxy instances sharing one PostgreSQL database. The
 * upstream holds every answer 3 s, so that all 50 are in flight together (an answer that ends
 * releases room, and a sixth request may then rightly go out).
 */
const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Summarise the budget rules in one line." }], max_tokens: 1_000, temperature: 0 };
let upstream: MockOpenAIUpstream;
let scratch: ScratchPostgres | undefined;
const proxies: Proxy[] = [];

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  if (testDatabaseUrl) scratch = await createScratchPostgres(testDatabaseUrl, "budget_race");
});

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await upstream.close();
  await scratch?.drop();
});

/** What one request may cost on gpt-4o-mini: what the budget reserves for it. */
async function worstCase(proxy: Proxy): Promise<number> {
  const request = chatRequestSchema.parse(body);
  const candidate = proxy.pipeline.directory.find("openai", "gpt-4o-mini")!;
  return worstCaseCostUsd(candidate, requestNeeds(request), request);
}

async function startProxy(database: DatabaseHandle, dailyUsd: number): Promise<Proxy> {
  const config = loadConfig({
    OPENAI_API_KEY: "sk-test-budget-race-0000000000",
    OPENAI_BASE_URL: upstream.url,
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
    CACHE_ENABLED: "false",
    BUDGET_DAILY_USD: String(dailyUsd),
    BUDGET_ACTION: "block",
  });
  const proxy = await buildProxy(config, silentLogger, { database });
  proxies.push(proxy);
  return proxy;
}

const send = (proxy: Proxy) =>
  proxy.app.request("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function race(instances: Proxy[], room: number) {
  const before = upstream.requests.length;
  upstream.enqueue(...Array.from({ length: 50 }, () => ({ kind: "json" as const, body: defaultCompletion("gpt-4o-mini"), delayMs: 3_000 })));
  const responses = await Promise.all(Array.from({ length: 50 }, (_, index) => send(instances[index % instances.length]!)));
  const dispatched = upstream.requests.length - before;
  const statuses = responses.map((response) => response.status);
  expect(dispatched).toBe(room);
  expect(statuses.filter((status) => status === 200)).toHaveLength(room);
  expect(statuses.filter((status) => status === 429)).toHaveLength(50 - room);

  const refused = responses.find((response) => response.status === 429)!;
  const error = ((await refused.json()) as { error: { code: string; type: string; message: string } }).error;
  expect(error).toMatchObject({ code: "budget_exceeded", type: "rate_limit_error" });
  expect(error.message).toMatch(/^The global daily budget of \$[\d.]+ cannot cover this request: .* It resets at \d{4}-\d\d-\d\dT00:00:00\.000Z \(UTC\)\./);
  const served = responses.find((response) => response.status === 200)!;
  expect(served.headers.get("x-budget-remaining")).toMatch(/^global:daily=(0|\d+\.\d{2,})$/);
  return responses;
}

/** Spent and held in the global daily budget, as GET /api/budgets reports them once the spend is written. */
async function settled(proxy: Proxy, expectedSpent: number) {
  let budget: { spent_usd: number; reserved_usd: number; limit_usd: number } | undefined;
  await waitFor(
    async () => {
      const report = (await (await proxy.app.request("/api/budgets")).json()) as { budgets: Array<{ scope: string; period: string; spent_usd: number; reserved_usd: number; limit_usd: number }> };
      budget = report.budgets.find((entry) => entry.scope === "global" && entry.period === "daily");
      return budget !== undefined && budget.reserved_usd === 0 && Math.abs(budget.spent_usd - expectedSpent) < 1e-12;
    },
    { timeoutMs: 5_000, what: "the spend to be settled and the reservations released" },
  );
  return budget!;
}

async function clearBudgets(database: DatabaseHandle) {
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await database.db.execute(sql.raw(`delete from ${table}`));
}

/** The real cost of one mock answer (20 prompt, 7 completion tokens) on gpt-4o-mini. */
const answerCost = (20 * 0.15 + 7 * 0.6) / 1e6;

describe("50 concurrent requests against a budget with room for 5", () => {
  test("on PGlite", async () => {
    const database = await sharedTestDatabase();
    await clearBudgets(database);
    try {
      const probe = await startProxy(database, 1);
      const limit = 5.5 * (await worstCase(probe));
      await probe.close();
      const proxy = await startProxy(database, limit);
      await race([proxy], 5);
      const budget = await settled(proxy, 5 * answerCost);
      expect(budget.limit_usd).toBeCloseTo(limit, 12);
    } finally {
      // The database is shared with other test files: leave no budget behind.
      await clearBudgets(database);
    }
  }, 60_000);

  test.skipIf(!testDatabaseUrl)("on the PostgreSQL server, one instance and then two instances on one database", async () => {
    const first = await startProxy(await scratch!.open(), 1);
    const limit = 5.5 * (await worstCase(first));
    await first.close();
    const one = await startProxy(await scratch!.open(), limit);
    await race([one], 5);
    await settled(one, 5 * answerCost);

    // Room for five more worst cases, for two instances that share the database.
    const twoLimit = 5 * answerCost + 5.5 * (await worstCase(one));
    const a = await startProxy(await scratch!.open(), twoLimit);
    const b = await startProxy(await scratch!.open(), twoLimit);
    await race([a, b], 5);
    await settled(b, 10 * answerCost);
  }, 60_000);
});
