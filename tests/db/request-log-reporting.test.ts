import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import type { Database, DatabaseHandle } from "../../src/db/client";
import { RequestLogWriter } from "../../src/db/request-log-writer";
import type { RequestLogRow } from "../../src/db/schema";
import { silentLogger } from "../../src/logger";
import { buildProxy } from "../../src/server";
import { capturingLogger } from "../helpers/capturing-logger";
import { interceptWrites } from "../helpers/intercept-writes";
import { countLogRows, deleteLogRows, taskIdsOf, trackedLogRows } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";
import { waitFor } from "../helpers/wait-for";

/**
 * A database that stays down, or a buffer that stays full, is reported by its changes of state
 * (lost, recovered; full, room again) and at most one summary a minute in between, never a line per
 * attempt or per dropped row; the counts are in the writer's status() and in /health. The writer
 * runs on a clock the test moves; the database fails through an interceptor and recovers for real.
 */
const HOUR = 3_600_000;
const MINUTE = 60_000;
const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`request-log reporting on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const { created, rows } = trackedLogRows();

    beforeAll(async () => {
      handle = await target.open();
    });

    afterAll(async () => {
      await deleteLogRows(handle.db, created);
      if (!target.shared) await handle.close();
    });

    function writerOver(db: Database, options: { maxBuffered?: number } = {}) {
      const clock = { now: 0 };
      const { lines, logger } = capturingLogger();
      const writer = new RequestLogWriter(db, { flushIntervalMs: HOUR, retryIntervalMs: HOUR, summaryIntervalMs: MINUTE, logger, clock: () => clock.now, ...options });
      return { writer, lines, clock };
    }

    test("a database down for 100 s: one line when lost, one summary a minute, one when back", async () => {
      let down = true;
      const { writer, lines, clock } = writerOver(
        interceptWrites(handle.db, () => {
          if (down) throw refused();
        }),
      );
      const batch = rows(3);
      for (const row of batch) writer.record(row);
      // One attempt a second for 100 s.
      for (let second = 0; second <= 100; second++) {
        clock.now = second * 1000;
        await writer.flush();
      }
      expect(writer.status()).toEqual({ pending: 3, writing: 0, written: 0, dropped: 0, refused: 0, databaseReachable: false, lostSince: expect.any(String) });
      expect(lines.map((line) => line.message)).toEqual([
        "request log: the database is unreachable; rows are kept in memory and retried",
        "request log: the database is still unreachable",
      ]);
      expect(lines[0]).toMatchObject({ level: "error", pending: 3, error: "connect ECONNREFUSED 127.0.0.1:5432" });
      expect(lines[1]).toMatchObject({ level: "error", downSeconds: 60, failedWrites: 61, pending: 3, dropped: 0 });

      down = false;
      clock.now = 101_000;
      await writer.flush();
      const later = rows(2);
      for (const row of later) writer.record(row);
      await writer.flush();
      expect(lines.slice(2)).toEqual([expect.objectContaining({ level: "info", message: "request log: the database is reachable again", downSeconds: 101, failedWrites: 101, dropped: 0 })]);
      expect(writer.status()).toEqual({ pending: 0, writing: 0, written: 5, dropped: 0, refused: 0, databaseReachable: true });
      expect(await countLogRows(handle.db, taskIdsOf([...batch, ...later]))).toBe(5);
    });

    test("a full buffer: one line for many drops, one summary a minute, one when there is room again", async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let writes = 0;
      const { writer, lines, clock } = writerOver(
        interceptWrites(handle.db, async () => {
          if (writes++ === 0) await held;
        }),
        { maxBuffered: 5 },
      );
      const first = rows(2);
      for (const row of first) writer.record(row);
      // The database takes its time with this write; meanwhile a flood arrives.
      const flushing = writer.flush();
      const flood = rows(10_000);
      for (const row of flood) writer.record(row);
      clock.now = 61_000;
      for (const row of rows(3)) writer.record(row);
      expect(writer.status()).toMatchObject({ pending: 5, dropped: 9_998, databaseReachable: true });
      expect(lines).toEqual([
        expect.objectContaining({ message: "request log buffer full; dropping the oldest rows", dropped: 1, maxBuffered: 5, databaseReachable: true }),
        // Said at the first drop after a minute: 9,995 rows of the flood and one of the three late ones.
        expect.objectContaining({ message: "request log buffer still full; dropping the oldest rows", dropped: 9_996, pending: 5 }),
      ]);

      release();
      await flushing;
      await writer.flush();
      expect(lines.slice(2)).toEqual([expect.objectContaining({ level: "info", message: "request log buffer has room again", dropped: 9_998 })]);
      expect(writer.status()).toMatchObject({ pending: 0, written: 7, dropped: 9_998 });
      expect(await countLogRows(handle.db, taskIdsOf(first))).toBe(2);
    });

    test("/health shows the rows waiting and whether the database is reachable", async () => {
      let down = false;
      const failing: DatabaseHandle = {
        ...handle,
        db: interceptWrites(handle.db, () => {
          if (down) throw refused();
        }),
        close: async () => {},
      };
      const config = loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent", LOG_FLUSH_INTERVAL_MS: String(HOUR) });
      const proxy = await buildProxy(config, silentLogger, { database: failing });
      const health = async () => ((await (await proxy.app.request("/health")).json()) as { requestLog: Record<string, unknown> }).requestLog;
      try {
        expect(await health()).toEqual({ pending: 0, writing: 0, written: 0, dropped: 0, refused: 0, databaseReachable: true });
        down = true;
        const taskIds: string[] = [];
        for (let index = 0; index < 3; index++) taskIds.push((await proxy.app.request("/v1/no-such-route")).headers.get("x-task-id")!);
        created.push(...taskIds);
        await proxy.logWriter.flush();
        expect(await health()).toEqual({ pending: 3, writing: 0, written: 0, dropped: 0, refused: 0, databaseReachable: false, lostSince: expect.any(String) });
        down = false;
        await proxy.logWriter.flush();
        expect(await health()).toEqual({ pending: 0, writing: 0, written: 3, dropped: 0, refused: 0, databaseReachable: true });
        expect(await countLogRows(handle.db, taskIds)).toBe(3);
      } finally {
        await proxy.close();
      }
    });

    test("/health counts the rows of a write under way in the queue depth: they are not in the database yet", async () => {
      // Every statement while `hold` is set waits (the health probe's too, which is bounded on its own).
      const held: Array<() => void> = [];
      const release = () => {
        for (const resolve of held.splice(0)) resolve();
      };
      let hold = false;
      const holding: DatabaseHandle = {
        ...handle,
        db: interceptWrites(handle.db, () => (hold ? new Promise<void>((resolve) => held.push(resolve)) : undefined)),
        close: async () => {},
      };
      const config = loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent", LOG_FLUSH_INTERVAL_MS: String(HOUR) });
      const proxy = await buildProxy(config, silentLogger, { database: holding });
      const health = async () => (await (await proxy.app.request("/health")).json()) as { database: { queueDepth: number }; requestLog: { pending: number; writing: number } };
      try {
        hold = true;
        const taskIds: string[] = [];
        for (let index = 0; index < 3; index++) taskIds.push((await proxy.app.request("/v1/no-such-route")).headers.get("x-task-id")!);
        created.push(...taskIds);
        const flushed = proxy.logWriter.flush();
        await waitFor(async () => (await health()).requestLog.writing === 3, { what: "the write under way" });
        const during = await health();
        expect(during.requestLog.pending).toBe(0);
        expect(during.database.queueDepth).toBe(3);
        expect(proxy.logWriter.unwritten).toBe(3);
        hold = false;
        release();
        await flushed;
        expect((await health()).database.queueDepth).toBe(0);
        expect(await countLogRows(handle.db, taskIds)).toBe(3);
      } finally {
        hold = false;
        release();
        await proxy.close();
      }
    });
  });
}
