import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { getTableColumns, sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";
import { findLatestTaskForSession, findRequestLog, insertFeedback, insertRequestLogs, listRecentRequestLogs, loadTierOutcomes } from "../../src/db/queries";
import { type RequestLogRow, feedback, requestLog } from "../../src/db/schema";
import { inArray } from "drizzle-orm";
import { countLogRows, deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { sharedTestDatabase, testDatabaseUrl } from "../helpers/test-database";
import journal from "../../src/db/migrations/meta/_journal.json";
import { rowsOf } from "../../src/db/rows-of";

/**
 * The query layer on both databases the proxy supports: the embedded PGlite (shared in-memory
 * instance) and, when TEST_DATABASE_URL is set, a real PostgreSQL server.
 */
const migrationsFolder = new URL("../../src/db/migrations", import.meta.url).pathname;

interface Target {
  name: string;
  skip: boolean;
  open(): Promise<DatabaseHandle>;
  /** Runs the migrator once more on an open handle, exactly as openDatabase does. */
  migrateAgain(handle: DatabaseHandle): Promise<void>;
  /** Whether the handle is the shared one (never closed here). */
  shared: boolean;
}

const targets: Target[] = [
  {
    name: "PGlite",
    skip: false,
    open: sharedTestDatabase,
    migrateAgain: (handle) => migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder }),
    shared: true,
  },
  {
    name: "PostgreSQL",
    skip: !testDatabaseUrl,
    open: () => openDatabase({ databaseUrl: testDatabaseUrl!, dataDir: "unused" }),
    migrateAgain: (handle) => migratePostgres(handle.db as unknown as PostgresJsDatabase, { migrationsFolder }),
    shared: false,
  },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`query layer on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const created: string[] = [];
    const track = <T extends { taskId: string }>(row: T) => {
      created.push(row.taskId);
      return row;
    };

    beforeAll(async () => {
      handle = await target.open();
    });

    afterAll(async () => {
      if (!handle) return;
      await deleteLogRows(handle.db, created);
      if (!target.shared) await handle.close();
    });

    test("migrations apply again without error and without re-running", async () => {
      const row = track(makeLogRow());
      await insertRequestLogs(handle.db, [row]);
      await target.migrateAgain(handle);
      await target.migrateAgain(handle);
      expect(await findRequestLog(handle.db, row.taskId)).toBeDefined();
      const rows = rowsOf<{ count: number }>(await handle.db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`));
      expect(Number(rows[0]!.count)).toBe(journal.entries.length);
    });

    if (target.name === "PostgreSQL") {
      test("opening the database a second time (migrations on start-up) keeps the data", async () => {
        const row = track(makeLogRow());
        await insertRequestLogs(handle.db, [row]);
        const again = await target.open();
        try {
          expect(await findRequestLog(again.db, row.taskId)).toMatchObject({ taskId: row.taskId });
        } finally {
          await again.close();
        }
      });
    }

    test("a batch written again stores each task once and the rollups count it once", async () => {
      // A unique provider keeps this test's rollup row apart from every other test's.
      const provider = `retry-${crypto.randomUUID()}`;
      const [first, second, third] = [0, 1, 2].map(() => track(makeLogRow({ provider })));
      await insertRequestLogs(handle.db, [first!, second!]);
      // The writer's retry after a commit whose answer was lost: stored rows, a new one, and a task id twice.
      await insertRequestLogs(handle.db, [first!, second!, third!, { ...third!, status: 500 }]);
      expect(await countLogRows(handle.db, [first!.taskId, second!.taskId, third!.taskId])).toBe(3);
      expect(await findRequestLog(handle.db, third!.taskId)).toMatchObject({ status: third!.status });
      const rollup = rowsOf<{ requests: number | string }>(
        await handle.db.execute(sql`select sum(requests) as requests from request_rollup where provider = ${provider}`),
      );
      expect(Number(rollup[0]!.requests)).toBe(3);
    });

    test("every column of the schema exists in the migrated database (no schema change without a migration)", async () => {
      for (const table of [requestLog, feedback]) {
        const tableName = table === requestLog ? "request_log" : "feedback";
        const rows = rowsOf<{ column_name: string }>(
          await handle.db.execute(sql`select column_name from information_schema.columns where table_name = ${tableName} and table_schema = current_schema()`),
        );
        const inDatabase = rows.map((row) => row.column_name).sort();
        const inSchema = Object.values(getTableColumns(table)).map((column) => column.name).sort();
        expect(inDatabase).toEqual(inSchema);
      }
    });

    test("inserting nothing is a no-op: no statement reaches the database", async () => {
      const calls: string[] = [];
      const watched = new Proxy(handle.db, {
        get(target, key) {
          const value = Reflect.get(target, key, target) as unknown;
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            calls.push(String(key));
            return (value as (...args: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      await insertRequestLogs(watched, []);
      expect(calls).toEqual([]);
      // The watch sees a real insert, so the empty list above was not merely unobserved.
      const row = track(makeLogRow());
      await insertRequestLogs(watched, [row]);
      expect(calls.length).toBeGreaterThan(0);
      expect(await findRequestLog(handle.db, row.taskId)).toMatchObject({ taskId: row.taskId });
    });

    test("a conversation's latest task is its latest request, failed or not, other than the proxy's own replies", async () => {
      const session = `session-${crypto.randomUUID()}`;
      const at = (seconds: number) => new Date(Date.now() - 60_000 + seconds * 1000);
      const answered = track(makeLogRow({ sessionKey: session, createdAt: at(1), status: 200, provider: "openai", model: "gpt-4o-mini" }));
      const failed = track(makeLogRow({ sessionKey: session, createdAt: at(2), status: 404, errorType: "not_found_error", provider: null, model: null }));
      const reply = track(makeLogRow({ sessionKey: session, createdAt: at(3), status: 200, provider: "proxy", model: "feedback" }));
      await insertRequestLogs(handle.db, [answered, failed, reply]);
      expect(await findLatestTaskForSession(handle.db, session)).toEqual({ taskId: failed.taskId, provider: null, model: null, status: 404, errorType: "not_found_error" });
    });

    test("a row round-trips with every kind of value intact", async () => {
      const row = track(
        makeLogRow({
          createdAt: new Date("2026-03-04T05:06:07.891Z"),
          stream: true,
          status: 502,
          errorType: "upstream_error",
          errorMessage: `It's "quoted", back\\slashed, naïve ✓ — 日本語`,
          finishReason: "stop",
          userAgent: null,
          tokensIn: 123_456,
          tokensOut: 7_890,
          cachedTokens: 100_000,
          cacheWriteTokens: 5,
          costUsd: 0.000123456789,
          usageEstimated: true,
          latencyMs: 4321,
          ttftMs: 210,
          tier: "standard",
          score: 42.5,
          category: "code",
          routeReason: "auto: standard; cheapest",
          candidates: ["openai:gpt-4o-mini", "openai:gpt-4.1-mini"],
          attempts: [{ provider: "openai", model: "gpt-4o-mini", error: "OpenAI returned 503" }, { provider: "openai", model: "gpt-4.1-mini" }],
          fallbacks: 1,
          baselineModel: "openai:gpt-5",
          baselineCostUsd: 0.01,
          subscriptionValueUsd: 0.0042,
          sessionKey: "session-1",
          cacheStatus: "miss",
          cacheSavedUsd: 0.0042,
          cacheKey: "0123456789abcdef0123456789abcdef",
          compressionTokensBefore: 12_000,
          compressionTokensAfter: 9_500,
        }),
      );
      await insertRequestLogs(handle.db, [row]);
      const stored = await findRequestLog(handle.db, row.taskId);
      expect(stored).toEqual({ ...row, createdAt: row.createdAt } as typeof stored);
      expect(stored!.createdAt.toISOString()).toBe("2026-03-04T05:06:07.891Z");
    });

    test("text an array literal reads specially round-trips in a batch: NULL, empty, quotes, braces, commas, blanks", async () => {
      // Rows go as an array of row literals (record-array-insert.ts): each of these would shift, split or nullify a badly quoted field.
      const tricky = ["NULL", "null", "", " ", " padded ", "a,b", "{x,y}", "(1,2)", '"', '\\', 'ends with \\', 'say "hi"', "line\nbreak\ttab", "naïve ✓ 日本語 🎉",
        // Quotes with and without a control character beside them (literal-quote.ts quotes those two ways).
        'quote " and newline\n', 'quote " and \u0001', 'quote " and naïve ✓ 🎉', 'back\\slash \\" and tab\t'];
      const rows = tricky.map((text, index) =>
        track(makeLogRow({ errorMessage: text, userAgent: index % 2 === 0 ? null : text, routeReason: text, candidates: [text, "x"], attempts: [{ provider: text, model: "m", error: text }] })),
      );
      await insertRequestLogs(handle.db, rows);
      const written = (row: Partial<RequestLogRow> | undefined) => ({ errorMessage: row?.errorMessage, userAgent: row?.userAgent, routeReason: row?.routeReason, candidates: row?.candidates, attempts: row?.attempts });
      for (const row of rows) expect(written(await findRequestLog(handle.db, row.taskId))).toEqual(written(row));
    });

    test("columns left out get their defaults", async () => {
      const row = track(makeLogRow());
      delete (row as Partial<typeof row>).tokensIn;
      delete (row as Partial<typeof row>).costUsd;
      await insertRequestLogs(handle.db, [row]);
      expect(await findRequestLog(handle.db, row.taskId)).toMatchObject({ tokensIn: 0, costUsd: 0, cachedTokens: 0, fallbacks: 0, ttftMs: null, tier: null });
    });

    test("a batch of many rows lands in one call", async () => {
      const rows = Array.from({ length: 750 }, (_, index) => track(makeLogRow({ latencyMs: index })));
      await insertRequestLogs(handle.db, rows);
      for (const index of [0, 374, 749]) expect((await findRequestLog(handle.db, rows[index]!.taskId))!.latencyMs).toBe(index);
    });

    test("a task id already logged is ignored, not an error, and the first row wins", async () => {
      const row = track(makeLogRow({ status: 200 }));
      await insertRequestLogs(handle.db, [row]);
      await insertRequestLogs(handle.db, [{ ...row, status: 500 }, track(makeLogRow())]);
      expect((await findRequestLog(handle.db, row.taskId))!.status).toBe(200);
    });

    test("per tier: requests served, chosen by auto, rated, and rated bad by each task's latest rating", async () => {
      // In a window of its own far in the future, so rows of other tests cannot count.
      const base = Date.UTC(2998, 0, 1);
      const at = (seconds: number) => new Date(base + seconds * 1000);
      const economyRows = [0, 1, 2].map((index) => track(makeLogRow({ createdAt: at(index), tier: "economy", requestedModel: index === 0 ? "gpt-4o-mini" : "auto" })));
      const premium = track(makeLogRow({ createdAt: at(3), tier: "premium", requestedModel: "Auto" }));
      const proxyAnswer = track(makeLogRow({ createdAt: at(4), tier: null, provider: "proxy", model: "feedback" }));
      await insertRequestLogs(handle.db, [...economyRows, premium, proxyAnswer]);
      const ratings = [
        { taskId: economyRows[0]!.taskId, rating: 1, createdAt: at(10) },
        { taskId: economyRows[1]!.taskId, rating: 1, createdAt: at(10) },
        // A later rating replaces the earlier one.
        { taskId: economyRows[1]!.taskId, rating: -1, createdAt: at(20) },
        { taskId: premium.taskId, rating: -1, createdAt: at(10) },
      ];
      const feedbackIds: string[] = [];
      try {
        for (const rating of ratings) {
          const id = crypto.randomUUID();
          feedbackIds.push(id);
          await insertFeedback(handle.db, { id, comment: null, source: "api", ...rating });
        }
        const outcomes = await loadTierOutcomes(handle.db, at(-1), at(100));
        expect(outcomes).toEqual([
          { tier: "economy", requests: 3, auto: 2, rated: 2, ratedBad: 1 },
          { tier: "premium", requests: 1, auto: 1, rated: 1, ratedBad: 1 },
        ]);
      } finally {
        await handle.db.delete(feedback).where(inArray(feedback.id, feedbackIds));
      }
    });

    test("an unknown task id finds nothing", async () => {
      expect(await findRequestLog(handle.db, crypto.randomUUID())).toBeUndefined();
    });

    test("recent rows come newest first, limited", async () => {
      // Far in the future, so rows of other tests in the shared database cannot come first.
      const base = Date.UTC(2999, 0, 1);
      const rows = [2, 0, 1].map((offset) => track(makeLogRow({ createdAt: new Date(base + offset * 1000), latencyMs: offset })));
      await insertRequestLogs(handle.db, rows);
      const recent = await listRecentRequestLogs(handle.db, 2);
      expect(recent.map((row) => row.latencyMs)).toEqual([2, 1]);
    });
  });
}
