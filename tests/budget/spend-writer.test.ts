import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { type PendingSpend, SpendWriter } from "../../src/budget/spend-writer";
import { type SpendEntry, settleBudgets } from "../../src/db/budget-queries";
import type { DatabaseHandle } from "../../src/db/client";
import { rowsOf } from "../../src/db/rows-of";
import { silentLogger } from "../../src/logger";
import { databaseTargets } from "../helpers/test-database";

/**
 * The spend writer merges the entries of requests held on a lease (same lease, scope and periods,
 * no reservation of their own) into one waiting entry, amounts summed, counting how many of them
 * spent something (each is one `written()` for its lease). Every other entry is written as it
 * came. Written to the database, a merged batch leaves the same spend and lease rows as the
 * entries one by one.
 */
const day = new Date("2026-12-02T00:00:00Z");
const month = new Date("2026-12-01T00:00:00Z");
const leased = (leaseId: string, scope: string, amountUsd: number, at = new Date("2026-12-02T10:00:00Z")): SpendEntry => ({ reservationId: null, leaseId, scope, amountUsd, dayStart: day, monthStart: month, at });

function capture() {
  const batches: PendingSpend[][] = [];
  const writer = new SpendWriter({ write: async (entries) => void batches.push(entries.map((entry) => ({ ...entry }))), logger: silentLogger, delayMs: 60_000, idleDelayMs: 60_000 });
  return { writer, batches };
}

test("entries held on one lease, scope and periods become one, amounts summed and spending entries counted", async () => {
  const { writer, batches } = capture();
  writer.add([leased("a", "global", 0.001), leased("a", "openai", 0.001)]);
  writer.add([leased("a", "global", 0.002), leased("a", "openai", 0)]);
  writer.add([leased("a", "global", 0), leased("b", "global", 0.004)]);
  expect(writer.size).toBe(3);
  await writer.flush();
  expect(batches).toHaveLength(1);
  const [global, openai, other] = batches[0]!;
  expect(global).toMatchObject({ leaseId: "a", scope: "global", spentEntries: 2 });
  expect(global!.amountUsd).toBeCloseTo(0.003, 15);
  expect(openai).toMatchObject({ leaseId: "a", scope: "openai", amountUsd: 0.001, spentEntries: 1 });
  expect(other).toMatchObject({ leaseId: "b", scope: "global", amountUsd: 0.004, spentEntries: 1 });
  // After a write, new entries start new ones.
  writer.add([leased("a", "global", 0.005)]);
  await writer.flush();
  expect(batches[1]).toEqual([{ ...leased("a", "global", 0.005), spentEntries: 1 }]);
});

test("entries with a reservation, without a lease or periods, with another period or a non-finite amount are written as they came", async () => {
  const { writer, batches } = capture();
  const entries: SpendEntry[] = [
    leased("a", "global", 0.001),
    { ...leased("a", "global", 0.001), reservationId: "r1" },
    { ...leased("a", "global", 0.001), reservationId: "r2" },
    { ...leased("a", "global", 0.001), leaseId: null, dayStart: null, monthStart: null },
    { ...leased("a", "global", 0.001), leaseId: null, dayStart: null, monthStart: null },
    { ...leased("a", "global", 0.001), dayStart: null },
    { ...leased("a", "global", 0.001), dayStart: new Date("2026-12-03T00:00:00Z") },
    { ...leased("a", "global", 0.001), monthStart: new Date("2027-01-01T00:00:00Z") },
    leased("a", "global", Number.NaN),
    leased("a", "global", Number.POSITIVE_INFINITY),
    leased("a", "global", 0.002),
  ];
  writer.add(entries);
  await writer.flush();
  const batch = batches[0]!;
  expect(batch).toHaveLength(entries.length - 1);
  expect(batch[0]!.amountUsd).toBeCloseTo(0.003, 15);
  expect(batch[0]!.spentEntries).toBe(2);
  expect(batch.slice(1).map(({ spentEntries, ...entry }) => entry)).toEqual(entries.slice(1, -1));
  expect(batch.slice(1).map((entry) => entry.spentEntries)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1]);
});

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`merged spend on ${target.name}`, () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await target.open();
    });
    afterAll(async () => {
      if (!target.shared) await handle?.close();
    });

    test("leaves the same spend and lease rows as the entries one by one", async () => {
      const scopes = [`merge-one-${crypto.randomUUID()}`, `merge-many-${crypto.randomUUID()}`];
      const leases = [crypto.randomUUID(), crypto.randomUUID()];
      for (const [at, id] of leases.entries()) {
        await handle.db.execute(sql`insert into budget_reservation (id, scope, amount_usd, day_start, month_start, instance_id, expires_at)
          values (${id}::uuid, ${scopes[at]!}, 10, ${day.toISOString()}::timestamptz, ${month.toISOString()}::timestamptz, ${crypto.randomUUID()}::uuid, now() + interval '1 hour')`);
      }
      const amounts = Array.from({ length: 300 }, (_, at) => (at % 7 === 0 ? 0 : 0.0001 * ((at * 37) % 11) + 1e-7 * at));
      const entriesOf = (at: number): SpendEntry[] => amounts.map((amountUsd) => leased(leases[at]!, scopes[at]!, amountUsd));
      // One by one, as before: every entry in the statement.
      await settleBudgets(handle.db, entriesOf(0), "UTC");
      // Through the writer: merged.
      const { writer, batches } = capture();
      for (const entry of entriesOf(1)) writer.add([entry]);
      await writer.flush();
      expect(batches[0]).toHaveLength(1);
      expect(batches[0]![0]!.spentEntries).toBe(amounts.filter((amount) => amount > 0).length);
      await settleBudgets(handle.db, batches[0]!, "UTC");
      const spend = async (scope: string) =>
        rowsOf<{ period: string; period_start: string | Date; spent_usd: number }>(
          await handle.db.execute(sql`select period, period_start, spent_usd from budget_spend where scope = ${scope} order by period`),
        ).map((row) => ({ period: row.period, start: new Date(row.period_start).toISOString(), spent: Number(row.spent_usd) }));
      const lease = async (id: string) => Number(rowsOf<{ amount_usd: number }>(await handle.db.execute(sql`select amount_usd from budget_reservation where id = ${id}::uuid`))[0]!.amount_usd);
      const [one, many] = [await spend(scopes[0]!), await spend(scopes[1]!)];
      expect(many.map(({ period, start }) => ({ period, start }))).toEqual(one.map(({ period, start }) => ({ period, start })));
      expect(many).toHaveLength(2);
      for (const [at, row] of many.entries()) expect(row.spent).toBeCloseTo(one[at]!.spent, 12);
      expect(await lease(leases[1]!)).toBeCloseTo(await lease(leases[0]!), 12);
      await handle.db.execute(sql`delete from budget_spend where scope in (${scopes[0]!}, ${scopes[1]!})`);
      await handle.db.execute(sql`delete from budget_reservation where id in (${leases[0]!}::uuid, ${leases[1]!}::uuid)`);
    });
  });
}
