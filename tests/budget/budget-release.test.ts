import { afterEach, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { BudgetService } from "../../src/budget/budget-service";
import { listBudgetUsage } from "../../src/db/budget-queries";
import type { Database, DatabaseHandle } from "../../src/db/client";
import { silentLogger } from "../../src/logger";
import { sharedTestDatabase } from "../helpers/test-database";

/**
 * A finished request's hold is released on its instance when the request ends, though its spend
 * batch reaches the database up to 20 ms later: the instance's figures show its cost instead at
 * once, and a reservation the unwritten release would refuse writes it first and asks again.
 * The database never counts less than spent + held: another instance still sees the hold until
 * the batch is written, so it may refuse early, never overrun.
 */
let shared: DatabaseHandle;
const services: BudgetService[] = [];

beforeAll(async () => {
  shared = await sharedTestDatabase();
  await clearBudgets(shared.db);
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await clearBudgets(shared.db);
});

async function clearBudgets(db: Database) {
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await db.execute(sql.raw(`delete from ${table}`));
}

async function service(limitUsd: number): Promise<BudgetService> {
  const budgets = new BudgetService(shared.db, { action: "block", timeZone: "UTC", configured: [] }, silentLogger);
  services.push(budgets);
  await budgets.setLimits([{ scope: "global", period: "daily", limitUsd }]);
  return budgets;
}

const amounts = (usd: number) => new Map([["global", usd]]);
const globalDaily = async () => (await listBudgetUsage(shared.db, "UTC")).find((budget) => budget.scope === "global" && budget.period === "daily")!;

test("the instance's figures show a finished request's cost instead of its hold at once", async () => {
  const budgets = await service(1);
  const first = await budgets.reserve(amounts(0.6));
  expect(first.granted).toBe(true);
  expect(budgets.snapshot()[0]!.reservedUsd).toBeCloseTo(0.6, 9);
  budgets.settle({ reservation: first.reservation, provider: "openai", costUsd: 0.001, at: new Date() });
  expect(budgets.snapshot()[0]!).toMatchObject({ reservedUsd: 0, spentUsd: 0.001 });
});

test("a request sent straight after another is not refused by the other's unwritten release", async () => {
  const budgets = await service(1);
  for (let round = 0; round < 5; round++) {
    const result = await budgets.reserve(amounts(0.6));
    expect({ round, granted: result.granted }).toEqual({ round, granted: true });
    budgets.settle({ reservation: result.reservation, provider: "openai", costUsd: 0.001, at: new Date() });
  }
});

test("another instance still sees the hold until it is written: it may refuse early, and the database never overruns", async () => {
  const [one, two] = [await service(1), await service(1)];
  const first = await one.reserve(amounts(0.6));
  one.settle({ reservation: first.reservation, provider: "openai", costUsd: 0.001, at: new Date() });
  // Written or not, the database's spent + held stays within the limit.
  const [elsewhere, here] = await Promise.all([two.reserve(amounts(0.6)), one.reserve(amounts(0.6))]);
  expect([elsewhere.granted, here.granted].filter(Boolean).length).toBeLessThanOrEqual(1);
  const budget = await globalDaily();
  expect(budget.spentUsd + budget.reservedUsd).toBeLessThanOrEqual(1 + 1e-9);
});
