import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database, DatabaseHandle } from "../../src/db/client";
import { findRequestLog } from "../../src/db/queries";
import { RequestLogWriter } from "../../src/db/request-log-writer";
import type { RequestLogRow } from "../../src/db/schema";
import { createLogger } from "../../src/logger";
import { capturingLogger } from "../helpers/capturing-logger";
import { interceptWrites } from "../helpers/intercept-writes";
import { countLogRows, deleteLogRows, taskIdsOf, trackedLogRows } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";

/**
 * The request log's writer: record() never waits for the database, rows are written in batches,
 * a failed write is retried, and close() leaves nothing behind. On PGlite and, when
 * TEST_DATABASE_URL is set, on a real PostgreSQL server.
 */
const HOUR = 3_600_000;

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`RequestLogWriter on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const { created, rows } = trackedLogRows();
    const writers: RequestLogWriter[] = [];
    const newWriter = (db: Database, options: Partial<ConstructorParameters<typeof RequestLogWriter>[1]> = {}) => {
      const writer = new RequestLogWriter(db, { flushIntervalMs: HOUR, logger: createLogger("silent"), ...options });
      writers.push(writer);
      return writer;
    };

    beforeAll(async () => {
      handle = await target.open();
    });

    afterAll(async () => {
      if (!handle) return;
      await Promise.all(writers.map((writer) => writer.close().catch(() => {})));
      await deleteLogRows(handle.db, created);
      if (!target.shared) await handle.close();
    });

    test("record() only buffers; flush() writes", async () => {
      const writer = newWriter(handle.db);
      const batch = rows(3);
      for (const row of batch) writer.record(row);
      expect(writer.pending).toBe(3);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(0);
      await writer.flush();
      expect(writer.pending).toBe(0);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(3);
    });

    test("the timer flushes on its own", async () => {
      const writer = newWriter(handle.db, { flushIntervalMs: 20 });
      const batch = rows(2);
      for (const row of batch) writer.record(row);
      for (let attempt = 0; attempt < 200 && (await countLogRows(handle.db, taskIdsOf(batch))) < 2; attempt++) await Bun.sleep(10);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(2);
      expect(writer.pending).toBe(0);
    });

    test("rows are written in batches of maxBatch", async () => {
      let writes = 0;
      const writer = newWriter(
        interceptWrites(handle.db, () => {
          writes++;
        }),
        { maxBatch: 2 },
      );
      const batch = rows(5);
      // Below maxBatch nothing is written until a flush.
      writer.record(batch[0]!);
      await writer.flush();
      expect(writes).toBe(1);
      for (const row of batch.slice(1)) writer.record(row);
      await writer.flush();
      expect(writes).toBe(3);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(5);
    });

    test("reaching maxBatch starts a write without waiting for the timer", async () => {
      const writer = newWriter(handle.db, { maxBatch: 3 });
      const batch = rows(3);
      for (const row of batch) writer.record(row);
      for (let attempt = 0; attempt < 200 && (await countLogRows(handle.db, taskIdsOf(batch))) < 3; attempt++) await Bun.sleep(10);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(3);
    });

    test("a failed write keeps its rows, logs, and the next flush writes them exactly once", async () => {
      let failuresLeft = 1;
      const { lines, logger } = capturingLogger();
      const writer = newWriter(
        interceptWrites(handle.db, () => {
          if (failuresLeft-- > 0) throw new Error("connection reset by peer");
        }),
        { logger },
      );
      const batch = rows(4);
      for (const row of batch) writer.record(row);
      await writer.flush();
      expect(writer.pending).toBe(4);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(0);
      expect(lines).toContainEqual(
        expect.objectContaining({ level: "error", message: "request log: the database is unreachable; rows are kept in memory and retried", pending: 4, error: "connection reset by peer" }),
      );

      const later = rows(1);
      writer.record(later[0]!);
      await writer.flush();
      expect(writer.pending).toBe(0);
      expect(await countLogRows(handle.db, taskIdsOf([...batch, ...later]))).toBe(5);
    });

    test("close() writes everything still pending", async () => {
      const writer = newWriter(handle.db, { maxBatch: 2 });
      const batch = rows(5);
      for (const row of batch) writer.record(row);
      await writer.close();
      expect(writer.pending).toBe(0);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(5);
    });

    test("close() during a write in progress waits for it and writes the rest", async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let writes = 0;
      const writer = newWriter(
        interceptWrites(handle.db, async () => {
          if (writes++ === 0) await held;
        }),
      );
      const first = rows(2);
      for (const row of first) writer.record(row);
      const flushing = writer.flush();
      const second = rows(2);
      for (const row of second) writer.record(row);
      const closing = writer.close();
      release();
      await Promise.all([flushing, closing]);
      expect(await countLogRows(handle.db, taskIdsOf([...first, ...second]))).toBe(4);
    });

    test("a slow database never slows record(): it returns while a write is stuck", async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const events: string[] = [];
      const writer = newWriter(
        interceptWrites(handle.db, async () => {
          events.push("write started");
          await held;
          events.push("write released");
        }),
        { maxBatch: 2 },
      );
      const batch = rows(6);
      // The second row reaches maxBatch and starts a write (at the next turn of the event loop), which the database holds.
      for (const row of batch.slice(0, 3)) writer.record(row);
      for (let attempt = 0; attempt < 200 && events.length === 0; attempt++) await Bun.sleep(1);
      expect(events).toEqual(["write started"]);
      // record() is synchronous: a version that awaited the stuck write would hand back a promise.
      const returned = batch.slice(3).map((row) => writer.record(row) as unknown);
      expect(returned).toEqual([undefined, undefined, undefined]);
      // The rows wait in the buffer behind the held write; no second write ran beside it.
      expect(writer.pending).toBe(4);
      await Bun.sleep(0);
      expect(events).toEqual(["write started"]);
      release();
      await writer.flush();
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(6);
    });

    test("a database that stays down: the buffer is bounded, oldest rows dropped, one log line for many drops", async () => {
      const { lines, logger } = capturingLogger();
      const writer = newWriter(
        interceptWrites(handle.db, () => {
          throw new Error("database is down");
        }),
        { logger, maxBuffered: 3, maxBatch: 100 },
      );
      const batch = rows(500);
      for (const row of batch) writer.record(row);
      expect(writer.pending).toBe(3);
      await writer.flush();
      for (const row of rows(500)) writer.record(row);
      expect(writer.pending).toBe(3);
      expect(writer.status()).toMatchObject({ pending: 3, dropped: 997, databaseReachable: false });
      expect(lines.filter((line) => line.message === "request log buffer full; dropping the oldest rows")).toEqual([expect.objectContaining({ dropped: 1, maxBuffered: 3 })]);
      // Within the summary interval nothing else is said, however many rows go.
      expect(lines).toHaveLength(2);
    });

    test("one row the database refuses does not block the rows recorded with it", async () => {
      const { lines, logger } = capturingLogger();
      const writer = newWriter(handle.db, { logger });
      // No integer column takes 2^40: the database refuses the row as data (sanitising cannot help here).
      const [poison] = rows(1, { tokensIn: 2 ** 40 });
      const good = rows(3);
      writer.record(good[0]!);
      writer.record(poison!);
      writer.record(good[1]!);
      await writer.flush();
      writer.record(good[2]!);
      await writer.flush();
      expect(await countLogRows(handle.db, taskIdsOf(good))).toBe(3);
      expect(writer.pending).toBe(0);
      expect(await findRequestLog(handle.db, poison!.taskId)).toBeUndefined();
      expect(lines).toContainEqual(expect.objectContaining({ message: "request log row refused by the database; dropped", taskId: poison!.taskId }));
      expect(writer.status()).toMatchObject({ refused: 1, written: 3, databaseReachable: true });
      // The log line names the database's reason, not drizzle's echo of the query and the whole batch.
      for (const line of lines) expect(String(line.error ?? "")).not.toContain("params");
    });

    test("a database that goes down while refused rows are being isolated keeps the rest for later", async () => {
      const refused = Object.assign(new Error("Failed query: insert ...\nparams: [...]"), {
        cause: Object.assign(new Error("value out of range for type integer"), { code: "22003" }),
      });
      const script: Array<Error | undefined> = [refused, undefined, new Error("connection closed")];
      const writer = newWriter(
        interceptWrites(handle.db, () => {
          const next = script.shift();
          if (next) throw next;
        }),
      );
      const batch = rows(4);
      for (const row of batch) writer.record(row);
      await writer.flush();
      // The batch was refused as data; row 1 went in alone, then the database failed: rows 2-4 wait.
      expect(writer.pending).toBe(3);
      expect(await countLogRows(handle.db, taskIdsOf(batch.slice(0, 1)))).toBe(1);
      await writer.flush();
      expect(writer.pending).toBe(0);
      expect(await countLogRows(handle.db, taskIdsOf(batch))).toBe(4);
    });

    if (!target.shared) {
      test("a closed connection: the write fails, the rows stay pending, the failure is logged", async () => {
        const closed = await target.open();
        await closed.close();
        const { lines, logger } = capturingLogger();
        const writer = newWriter(closed.db, { logger });
        const batch = rows(2);
        for (const row of batch) writer.record(row);
        await writer.flush();
        expect(writer.pending).toBe(2);
        expect(lines.some((line) => line.message === "request log: the database is unreachable; rows are kept in memory and retried")).toBe(true);
        expect(writer.status().databaseReachable).toBe(false);
      });
    }
  });
}
