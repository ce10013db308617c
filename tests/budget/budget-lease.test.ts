import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { BudgetService } from "../../src/budget/budget-service";
import type { BudgetServiceTuning, Reservation } from "../../src/budget/budget-service-types";
import type { BudgetLimit } from "../../src/budget/budget-types";
import { listBudgetUsage } from "../../src/db/budget-queries";
import type { Database, DatabaseHandle } from "../../src/db/client";
import { silentLogger } from "../../src/logger";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { createScratchPostgres, type ScratchPostgres } from "../helpers/scratch-postgres";
import { sharedTestDatabase, testDatabaseUrl } from "../helpers/test-database";
import { startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * Budget leases (src/budget/budget-lease.ts, lease-pool.ts): while a budget has plenty of room a
 * busy instance holds requests on a slice it leased, with a database round trip per lease rather
 * than per request; near the limit every request is reserved exactly; and whatever the mix, the
 * spent and reserved of a budget never pass its limit, across instances. Also: a crashed
 * instance's lease expires, a lowered limit or a new period retires a lease, and spend is
 * accounted exactly. The services run on their own here (no HTTP): the race through the proxy
 * is budget-race.test.ts.
 */
let shared: DatabaseHandle;
let scratch: ScratchPostgres | undefined;
let upstream: MockOpenAIUpstream;
const services: BudgetService[] = [];

beforeAll(async () => {
  shared = await sharedTestDatabase();
  upstream = startMockOpenAIUpstream();
  await clearBudgets(shared.db);
  if (testDatabaseUrl) scratch = await createScratchPostgres(testDatabaseUrl, "budget_lease");
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await clearBudgets(shared.db);
});

afterAll(async () => {
  await upstream.close();
  await scratch?.drop();
});

async function clearBudgets(db: Database) {
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await db.execute(sql.raw(`delete from ${table}`));
}

/** A database handle that counts the statements sent through it (PGlite: every query goes through these). */
function counting(db: Database): { db: Database; count: () => number } {
  let statements = 0;
  const counted = new Set(["execute", "select", "insert", "update", "delete"]);
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== "string" || !counted.has(key) || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        statements++;
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { db: proxy, count: () => statements };
}

/**
 * A database handle whose lease give-backs (giveBackLease's statement) wait for `hold` while one is
 * set, or fail once when `failNext` is set: a give-back that is slow, or that does not go through.
 */
function gatedGiveBacks(db: Database) {
  const dialect = new PgDialect();
  const gate = { hold: undefined as Promise<void> | undefined, failNext: false, started: 0 };
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== "execute" || typeof value !== "function") return value;
      return async (query: SQL) => {
        if (dialect.sqlToQuery(query).sql.includes("set amount_usd = greatest(0, amount_usd -")) {
          gate.started++;
          if (gate.failNext) {
            gate.failNext = false;
            throw new Error("give-back refused by the test");
          }
          await gate.hold;
        }
        return (value as (query: SQL) => unknown).call(target, query);
      };
    },
  });
  return { db: proxy, gate };
}

/** Spends (as another instance would) all but `leftUsd` of the global daily budget's room outside the leases. */
async function spendAllBut(db: Database, leftUsd: number) {
  const budget = await globalDaily(db);
  const extra = (budget.limitUsd ?? 0) - budget.spentUsd - budget.reservedUsd - leftUsd;
  await db.execute(sql`insert into budget_spend (scope, period, period_start, spent_usd) values ('global', 'daily', ${budget.periodStart.toISOString()}::timestamptz, ${extra})
    on conflict (scope, period, period_start) do update set spent_usd = budget_spend.spent_usd + excluded.spent_usd`);
}

async function service(db: Database, limits: BudgetLimit[], tuning: BudgetServiceTuning = {}): Promise<BudgetService> {
  const budgets = new BudgetService(db, { action: "block", timeZone: "UTC", configured: [] }, silentLogger, tuning);
  services.push(budgets);
  await budgets.setLimits(limits);
  return budgets;
}

const daily = (limitUsd: number): BudgetLimit[] => [{ scope: "global", period: "daily", limitUsd }];
const amounts = (usd: number) => new Map([["global", usd]]);

async function globalDaily(db: Database) {
  const usage = await listBudgetUsage(db, "UTC");
  return usage.find((budget) => budget.scope === "global" && budget.period === "daily")!;
}

/** One request: reserved, then settled with what it spent (0: released). */
async function request(budgets: BudgetService, worstUsd: number, spentUsd: number): Promise<boolean> {
  const result = await budgets.reserve(amounts(worstUsd));
  if (!result.granted) return false;
  budgets.settle({ reservation: result.reservation, provider: "openai", costUsd: spentUsd, at: new Date() });
  return true;
}

describe("with plenty of room", () => {
  test("500 requests take a few leases, not 500 round trips, and the spend is exact to the cent", async () => {
    const { db, count } = counting(shared.db);
    const budgets = await service(db, daily(1_000));
    const before = count();
    for (let index = 0; index < 500; index++) expect(await request(budgets, 0.01, index % 5 === 0 ? 0 : 0.002)).toBe(true);
    const statements = count() - before;
    expect(budgets.leaseStats.grants).toBeGreaterThanOrEqual(480);
    expect(budgets.leaseStats.taken).toBeGreaterThanOrEqual(1);
    // The requests before the first lease (a scope leases once busy), the leases, and the spend written in batches.
    expect(statements).toBeLessThan(30);

    // While the leases are out, the database counts them as reserved: remaining never overstates.
    const during = await globalDaily(shared.db);
    expect(during.reservedUsd).toBeGreaterThan(0);
    expect(during.spentUsd + during.reservedUsd).toBeGreaterThanOrEqual(400 * 0.002 - 1e-9);

    await budgets.close();
    const after = await globalDaily(shared.db);
    expect(after.spentUsd).toBeCloseTo(400 * 0.002, 9);
    expect(after.reservedUsd).toBe(0);
    expect(budgets.counters).toMatchObject({ reservations: 500, settlements: 400, releases: 100 });
  });
});

describe("near the limit", () => {
  test("requests are reserved exactly: a $1 budget serves exactly 200 requests of $0.005, no more", async () => {
    const budgets = await service(shared.db, daily(1));
    let granted = 0;
    while (await request(budgets, 0.005, 0.005)) granted++;
    expect(granted).toBe(200);
    // Leases served the start; below 100 worst cases of room (LEASE_MIN_WORST_CASES) requests went one by one.
    expect(budgets.leaseStats.grants).toBeGreaterThan(0);
    expect(budgets.leaseStats.grants).toBeLessThan(150);
    await budgets.close();
    const after = await globalDaily(shared.db);
    expect(after.spentUsd).toBeCloseTo(1, 9);
    expect(after.reservedUsd).toBe(0);
  });

  test("a lease held while the limit is reached never lets the budget be overrun", async () => {
    const budgets = await service(shared.db, daily(10));
    // Held, not finished: the worst cases stay reserved.
    const held: Reservation[] = [];
    for (;;) {
      const result = await budgets.reserve(amounts(0.01));
      if (!result.granted) break;
      held.push(result.reservation!);
      if (held.length > 2_000) throw new Error("the budget let more through than it has room for");
    }
    expect(held.length).toBe(1_000);
    expect(budgets.leaseStats.grants).toBeGreaterThan(0);
    const full = await globalDaily(shared.db);
    expect(full.spentUsd + full.reservedUsd).toBeLessThanOrEqual(10 + 1e-9);
    for (const reservation of held) budgets.settle({ reservation, provider: "openai", costUsd: 0.004, at: new Date() });
    await budgets.close();
    const after = await globalDaily(shared.db);
    expect(after.spentUsd).toBeCloseTo(4, 9);
    expect(after.reservedUsd).toBe(0);
  });
});

describe("a lease never refuses a request on its own instance", () => {
  // openai has a limit but no lease (two requests are not busy), so these requests are reserved
  // exactly and refused while the global room sits in the lease.
  const limits: BudgetLimit[] = [...daily(100), { scope: "openai", period: "daily", limitUsd: 100 }];
  const bigRequest = new Map([["global", 1], ["openai", 0.01]]);

  async function leasedAndFull(db: Database): Promise<BudgetService> {
    const budgets = await service(db, limits);
    for (let index = 0; index < 40; index++) await request(budgets, 0.01, 0.001);
    await waitFor(() => budgets.leaseStats.taken > 0, { what: "a lease to be taken" });
    // The exact reservations' releases are written (20 ms batches); one more request on the lease
    // leaves spend of it unwritten (1 s batches), so the retired lease cannot simply be dropped.
    await Bun.sleep(50);
    const grantsBefore = budgets.leaseStats.grants;
    await request(budgets, 0.01, 0.001);
    expect(budgets.leaseStats.grants).toBe(grantsBefore + 1);
    // The lease holds about $2.50 (256 worst cases); $0.20 is left outside it.
    await spendAllBut(shared.db, 0.2);
    return budgets;
  }

  test("two requests refused at once while the lease's room is on its way back both wait for it and are granted", async () => {
    const { db, gate } = gatedGiveBacks(shared.db);
    const budgets = await leasedAndFull(db);
    let release!: () => void;
    gate.hold = new Promise((resolve) => (release = resolve));
    const both = Promise.all([budgets.reserve(bigRequest), budgets.reserve(bigRequest)]);
    await waitFor(() => gate.started > 0, { what: "the lease's room to be given back" });
    release();
    const results = await both;
    expect(results.map((result) => result.granted)).toEqual([true, true]);
    const after = await globalDaily(shared.db);
    expect(after.spentUsd + after.reservedUsd).toBeLessThanOrEqual(100 + 1e-9);
  });

  test("room whose give-back failed is given back when the next request is refused", async () => {
    const { db, gate } = gatedGiveBacks(shared.db);
    const budgets = await leasedAndFull(db);
    gate.failNext = true;
    expect((await budgets.reserve(bigRequest)).granted).toBe(false);
    expect(gate.started).toBe(1);
    expect((await budgets.reserve(bigRequest)).granted).toBe(true);
  });
});

describe("a lease cannot outlive", () => {
  test("its process: the lease of a crashed instance expires", async () => {
    // Never started: no renewal, as after a crash. Its requests hold their leases' room until the rows expire.
    const crashed = await service(shared.db, daily(100), { leaseSeconds: 1 });
    for (let index = 0; index < 40; index++) await crashed.reserve(amounts(0.01));
    await waitFor(() => crashed.leaseStats.taken > 0, { what: "a lease to be taken" });
    expect((await globalDaily(shared.db)).reservedUsd).toBeGreaterThan(0.4);
    await Bun.sleep(1_100);
    expect((await globalDaily(shared.db)).reservedUsd).toBe(0);
    services.splice(services.indexOf(crashed), 1);
  });

  test("a lowered limit: on its own instance at once, on another at its next review", async () => {
    const [a, b] = [await service(shared.db, daily(100)), await service(shared.db, daily(100))];
    await b.start();
    for (let index = 0; index < 40; index++) await request(a, 0.01, 0.001);
    for (let index = 0; index < 40; index++) await request(b, 0.01, 0.001);
    await waitFor(() => a.leaseStats.taken > 0 && b.leaseStats.taken > 0, { what: "both instances to lease" });

    // At most $0.50 left (80 requests spent $0.08): too little for a lease (100 worst cases).
    await a.setLimits(daily(0.5));
    // a gave its lease back at once and reserves exactly; b's lease (over the new limit) still
    // counts as reserved, so a is refused rather than the budget overrun.
    const grantsOfA = a.leaseStats.grants;
    expect(await request(a, 0.01, 0.001)).toBe(false);
    expect(a.leaseStats.grants).toBe(grantsOfA);

    // b sees the new limit at its refresh (every 5 s) and gives its lease back; both reserve exactly.
    await waitFor(async () => (await globalDaily(shared.db)).reservedUsd < 1e-9, { timeoutMs: 8_000, what: "the leases to be given back" });
    const grantsOfB = b.leaseStats.grants;
    expect(await request(b, 0.01, 0.001)).toBe(true);
    expect(await request(a, 0.01, 0.001)).toBe(true);
    expect([a.leaseStats.grants, b.leaseStats.grants]).toEqual([grantsOfA, grantsOfB]);
  }, 20_000);

  test("its period: past the period's end it grants nothing and its room goes back", async () => {
    let clock = Date.now();
    const budgets = await service(shared.db, daily(100), { now: () => clock });
    for (let index = 0; index < 40; index++) await request(budgets, 0.01, 0.001);
    await waitFor(() => budgets.leaseStats.taken > 0, { what: "a lease to be taken" });
    for (let index = 0; index < 5; index++) await request(budgets, 0.01, 0.001);
    const grants = budgets.leaseStats.grants;
    expect(grants).toBeGreaterThan(0);

    clock = (await globalDaily(shared.db)).resetsAt.getTime();
    expect(await request(budgets, 0.01, 0.001)).toBe(true);
    expect(budgets.leaseStats.grants).toBe(grants);
    // Its free room goes back at once; the row itself once its spend is written.
    await waitFor(async () => (await globalDaily(shared.db)).reservedUsd < 1e-9, { timeoutMs: 5_000, what: "the lease to be given back" });
  });

  test("its day, with only a monthly limit: past midnight it grants nothing, so no spend goes to the day before", async () => {
    let clock = Date.now();
    const budgets = await service(shared.db, [{ scope: "global", period: "monthly", limitUsd: 1_000 }], { now: () => clock });
    for (let index = 0; index < 40; index++) await request(budgets, 0.01, 0.001);
    await waitFor(() => budgets.leaseStats.taken > 0, { what: "a lease to be taken" });
    expect(await request(budgets, 0.01, 0.001)).toBe(true);
    const grants = budgets.leaseStats.grants;
    expect(grants).toBeGreaterThan(0);

    // The next midnight in the budget time zone (UTC): the lease's spend would be written to the day it was taken in.
    const today = new Date(clock);
    clock = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
    const result = await budgets.reserve(amounts(0.01));
    expect(result.granted).toBe(true);
    expect(budgets.leaseStats.grants).toBe(grants);
    // Reserved in the database, which dates it (and its spend) in the day it is made in.
    expect(result.reservation?.leased).toBeUndefined();
    expect(result.reservation?.dayStart).toBeInstanceOf(Date);
  });
});

describe("through the proxy", () => {
  test("requests served from a lease report what GET /api/budgets reports, never more", async () => {
    const proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-budget-lease-00000000", OPENAI_BASE_URL: upstream.url, BUDGET_DAILY_USD: "100" });
    try {
      const ask = () =>
        fetch(`${proxy.url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Name one prime." }], max_tokens: 1_000 }),
        });
      const first = await Promise.all(Array.from({ length: 20 }, ask));
      expect(first.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 200));
      await waitFor(() => proxy.proxy.pipeline.budgets.leaseStats.taken > 0, { what: "a lease to be taken" });
      const grants = proxy.proxy.pipeline.budgets.leaseStats.grants;
      const served = await ask();
      expect(served.status).toBe(200);
      expect(proxy.proxy.pipeline.budgets.leaseStats.grants).toBe(grants + 1);
      const header = Number(/^global:daily=(\d+\.\d\d)$/.exec(served.headers.get("x-budget-remaining") ?? "")?.[1]);
      const report = (await (await fetch(`${proxy.origin}/api/budgets`)).json()) as { budgets: Array<{ remaining_usd: number; reserved_usd: number }> };
      const api = report.budgets[0]!;
      // The lease counts as reserved in both; the header may be a refresh behind (a lease of 256 worst cases, about $0.16, at most).
      expect(api.reserved_usd).toBeGreaterThan(0);
      expect(header).toBeLessThanOrEqual(api.remaining_usd + 0.0001);
      expect(header).toBeGreaterThan(api.remaining_usd - 0.2);
    } finally {
      await proxy.close();
    }
  });
});

describe.skipIf(!testDatabaseUrl)("on the PostgreSQL server", () => {
  test("two instances with leases racing for one budget never overrun it", async () => {
    const [dbA, dbB] = [(await scratch!.open()).db, (await scratch!.open()).db];
    const [a, b] = [await service(dbA, daily(2)), await service(dbB, daily(2))];
    const worker = async (budgets: BudgetService) => {
      let granted = 0;
      while (await request(budgets, 0.005, 0.005)) granted++;
      return granted;
    };
    const counts = await Promise.all([...Array.from({ length: 16 }, () => worker(a)), ...Array.from({ length: 16 }, () => worker(b))]);
    const granted = counts.reduce((sum, each) => sum + each, 0);
    expect(granted).toBeLessThanOrEqual(400);
    expect(granted).toBeGreaterThan(300);
    expect(a.leaseStats.grants + b.leaseStats.grants).toBeGreaterThan(0);
    await Promise.all([a.close(), b.close()]);
    const after = await globalDaily(dbA);
    expect(after.spentUsd).toBeCloseTo(granted * 0.005, 9);
    expect(after.spentUsd).toBeLessThanOrEqual(2 + 1e-9);
    expect(after.reservedUsd).toBe(0);
  }, 30_000);
});
