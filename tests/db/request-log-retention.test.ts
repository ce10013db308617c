import { afterAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client";
import { insertRequestLogs } from "../../src/db/queries";
import { RequestLogRetention } from "../../src/db/request-log-retention";
import { pruneRequestLogBatch } from "../../src/db/retention-queries";
import { requestRollup } from "../../src/db/schema";
import { silentLogger } from "../../src/logger";
import { rowsOf } from "../../src/db/rows-of";
import { countLogRows, deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";

/**
 * LOG_RETENTION_DAYS prunes old request rows in batches; the dashboard's rollups (kept by triggers
 * on request_log) must still count them. Rows here are dated 2001 and carry a model name of their
 * own, so the shared database's other rows are neither pruned nor counted.
 */

const opened: DatabaseHandle[] = [];
afterAll(async () => {
  for (const handle of opened) await handle.close();
});

async function rollupsOf(handle: DatabaseHandle, model: string) {
  const rows = await handle.db.select().from(requestRollup).where(eq(requestRollup.model, model)).orderBy(requestRollup.hour);
  const latency = rowsOf<{ count: unknown }>(
    await handle.db.execute(sql`select coalesce(sum(count), 0) as count from request_latency_rollup where hour >= '2001-01-01' and hour < '2001-02-01'`),
  );
  return { rows, latencySamples: Number(latency[0]?.count ?? 0) };
}

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`request-log retention on ${target.name}`, () => {
    test("prunes rows past the cutoff in batches and leaves the rollups exactly as they were", async () => {
      const handle = await target.open();
      if (!target.shared) opened.push(handle);
      const model = `retention-${crypto.randomUUID().slice(0, 8)}`;
      const old = Array.from({ length: 25 }, (_, index) =>
        makeLogRow({ model, createdAt: new Date(Date.UTC(2001, 0, 1 + (index % 3), index % 24)), costUsd: 0.001 * (index + 1), baselineCostUsd: 0.01, latencyMs: 100 + index }),
      );
      const recent = makeLogRow({ model, createdAt: new Date(Date.UTC(2001, 5, 1)) });
      await insertRequestLogs(handle.db, [...old, recent]);
      const before = await rollupsOf(handle, model);
      expect(before.rows.reduce((sum, row) => sum + row.requests, 0)).toBe(26);

      // Batches of 10 until everything before February 2001 is gone.
      const cutoff = new Date(Date.UTC(2001, 1, 1));
      const deleted = [await pruneRequestLogBatch(handle.db, cutoff, 10), await pruneRequestLogBatch(handle.db, cutoff, 10), await pruneRequestLogBatch(handle.db, cutoff, 10)];
      expect(deleted).toEqual([10, 10, 5]);
      expect(await countLogRows(handle.db, old.map((row) => row.taskId))).toBe(0);
      expect(await countLogRows(handle.db, [recent.taskId])).toBe(1);
      expect(await rollupsOf(handle, model)).toEqual(before);

      // An ordinary delete (not pruning) still takes its row out of the totals.
      await deleteLogRows(handle.db, [recent.taskId]);
      const after = await rollupsOf(handle, model);
      expect(after.rows.reduce((sum, row) => sum + row.requests, 0)).toBe(25);
    });

    test("the background pruner deletes by LOG_RETENTION_DAYS relative to now, in several batches", async () => {
      const handle = await target.open();
      if (!target.shared) opened.push(handle);
      const model = `retention-${crypto.randomUUID().slice(0, 8)}`;
      const rows = Array.from({ length: 12 }, (_, index) => makeLogRow({ model, createdAt: new Date(Date.UTC(2001, 0, 10, index)) }));
      await insertRequestLogs(handle.db, rows);
      // "Now" is 2001-01-20: 5 days of retention keeps nothing from the 10th.
      const retention = new RequestLogRetention(handle.db, { retentionDays: 5, batchSize: 5, pauseMs: 1, logger: silentLogger, now: () => Date.UTC(2001, 0, 20) });
      try {
        expect(await retention.pruneNow()).toBe(12);
        expect(await countLogRows(handle.db, rows.map((row) => row.taskId))).toBe(0);
        expect((await rollupsOf(handle, model)).rows.reduce((sum, row) => sum + row.requests, 0)).toBe(12);
      } finally {
        await retention.stop();
      }
    });
  });
}
