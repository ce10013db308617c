import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database, DatabaseHandle } from "../../src/db/client";
import { RequestLogWriter } from "../../src/db/request-log-writer";
import type { RequestLogRow } from "../../src/db/schema";
import { silentLogger } from "../../src/logger";
import { interceptWrites } from "../helpers/intercept-writes";
import { countLogRows, deleteLogRows, taskIdsOf, trackedLogRows } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";

/**
 * When the writer writes: rows waiting go in the next write, which starts as soon as the write
 * before it ends, but no sooner than flushIntervalMs after that one started. So a row waits at
 * most the interval plus one write, which bounds what a crash can lose. The old writer flushed on
 * a fixed timer (250 ms by default), whatever had happened since.
 * The writer's clock is moved by the test; its timers are real.
 */
const HOUR = 3_600_000;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) return false;
    await Bun.sleep(5);
  }
  return true;
}

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`when the request log writes, on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const { created, rows } = trackedLogRows();
    const writers: RequestLogWriter[] = [];

    beforeAll(async () => {
      handle = await target.open();
      // The first insert of the process reads the table's column order from the catalog
      // (record-array-insert.ts) through `execute`, which the tests' interceptor would count as a
      // write: one row written here first, so the counts below see only the writer's own writes.
      const warm = new RequestLogWriter(handle.db, { flushIntervalMs: 0, logger: silentLogger });
      warm.record(rows(1)[0]!);
      await warm.close();
    });

    afterAll(async () => {
      await Promise.all(writers.map((writer) => writer.close()));
      await deleteLogRows(handle.db, created);
      if (!target.shared) await handle.close();
    });

    /** A writer whose first write the test holds until `release()`, on a clock the test sets. */
    function heldWriter(flushIntervalMs: number) {
      const clock = { now: 0 };
      const writes: number[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const db: Database = interceptWrites(handle.db, async () => {
        writes.push(clock.now);
        if (writes.length === 1) await held;
      });
      const writer = new RequestLogWriter(db, { flushIntervalMs, logger: silentLogger, clock: () => clock.now });
      writers.push(writer);
      return { writer, clock, writes, release };
    }

    test("an idle writer writes a row at once when its last write is older than the interval", async () => {
      const { writer, clock, writes, release } = heldWriter(HOUR);
      release();
      clock.now = HOUR + 1;
      const [row] = rows(1);
      writer.record(row!);
      expect(await until(async () => (await countLogRows(handle.db, taskIdsOf([row!]))) === 1)).toBe(true);
      expect(writes).toEqual([HOUR + 1]);
    });

    test("rows that arrive during a write go in the next one, right after it, once the interval has passed", async () => {
      const { writer, clock, writes, release } = heldWriter(1_000);
      clock.now = 5_000;
      const first = rows(1);
      writer.record(first[0]!);
      expect(await until(() => writes.length === 1)).toBe(true);
      expect(writes).toEqual([5_000]);
      const waiting = rows(3);
      for (const row of waiting) writer.record(row);
      expect(writer.pending).toBe(3);
      clock.now = 6_500;
      release();
      expect(await until(async () => (await countLogRows(handle.db, taskIdsOf([...first, ...waiting]))) === 4)).toBe(true);
      // One write for the three rows that waited, started when the held one ended.
      expect(writes).toEqual([5_000, 6_500]);
    });

    test("a backlog goes batch after batch, with turns of the event loop in between", async () => {
      const writes: number[] = [];
      const writer = new RequestLogWriter(
        interceptWrites(handle.db, () => {
          writes.push(writes.length);
        }),
        { flushIntervalMs: 1, maxBatch: 100, logger: silentLogger },
      );
      writers.push(writer);
      const backlog = rows(300);
      for (const row of backlog) writer.record(row);
      // What the event loop saw between writes: PGlite writes run on this thread and must not run back to back.
      const seen: number[] = [];
      const ticker = setInterval(() => seen.push(writes.length), 0);
      expect(await until(async () => (await countLogRows(handle.db, taskIdsOf(backlog))) === 300)).toBe(true);
      clearInterval(ticker);
      expect(seen).toContain(1);
      expect(seen).toContain(2);
      expect(writes).toHaveLength(3);
    });

    test("a row that comes when the next write is due before the next row is expected starts that write at once", async () => {
      // With one request at a time, a row is recorded in the idle moment after its answer went out.
      // When the write is due sooner than the gap between the last two rows, the timer would fire in
      // the middle of the next request: the write starts now instead (earlier, never later).
      const { writer, clock, writes, release } = heldWriter(HOUR);
      release();
      clock.now = HOUR + 1;
      writer.record(rows(1)[0]!);
      expect(await until(() => writes.length === 1)).toBe(true);
      clock.now = HOUR + 1_000;
      writer.record(rows(1)[0]!);
      // Due in 1,001 ms of the writer's clock, the next row expected in 999: the write waits.
      await Bun.sleep(50);
      expect(writes).toHaveLength(1);
      // Due in 1 ms, 2 * HOUR - 1_000 since the last row: the write goes now with both rows.
      clock.now = 2 * HOUR;
      const [last] = rows(1);
      writer.record(last!);
      expect(await until(() => writes.length === 2)).toBe(true);
      expect(writes).toEqual([HOUR + 1, 2 * HOUR]);
      expect(writer.pending).toBe(0);
    });

    test("...and no sooner than the interval after the previous write started", async () => {
      const { writer, clock, writes, release } = heldWriter(300);
      clock.now = 5_000;
      writer.record(rows(1)[0]!);
      expect(await until(() => writes.length === 1)).toBe(true);
      const [late] = rows(1);
      writer.record(late!);
      // The held write ends 100 ms (of the test's clock) after it started: the next waits the other 200 ms.
      clock.now = 5_100;
      release();
      await Bun.sleep(100);
      expect(writes).toEqual([5_000]);
      expect(writer.pending).toBe(1);
      expect(await until(async () => (await countLogRows(handle.db, taskIdsOf([late!]))) === 1)).toBe(true);
      expect(writes).toHaveLength(2);
    });
  });
}
