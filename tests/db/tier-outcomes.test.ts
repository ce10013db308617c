import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, gt, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import { type Database, type DatabaseHandle, openDatabase } from "../../src/db/client";
import { insertFeedback, insertRequestLogs, loadTierOutcomes } from "../../src/db/queries";
import { feedback, requestLog } from "../../src/db/schema";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { sharedTestDatabase, testDatabaseUrl } from "../helpers/test-database";

/**
 * GET /api/routing's tier figures (loadTierOutcomes) come from request_rollup's whole hours, the
 * window's ragged ends from request_log, and ratings from feedback joined by task id. They must
 * equal what the query they replaced computed from request_log alone, kept here as the reference.
 */
async function referenceTierOutcomes(db: Database, since: Date, until?: Date) {
  const latestRating = sql<number | null>`(select ${feedback.rating} from ${feedback} where ${feedback.taskId} = ${requestLog.taskId} order by ${feedback.createdAt} desc limit 1)`;
  const rows = await db
    .select({
      tier: requestLog.tier,
      requests: sql<number>`count(*)::int`,
      auto: sql<number>`sum(case when lower(${requestLog.requestedModel}) = 'auto' then 1 else 0 end)::int`,
      rated: sql<number>`sum(case when ${latestRating} is not null then 1 else 0 end)::int`,
      ratedBad: sql<number>`sum(case when ${latestRating} < 0 then 1 else 0 end)::int`,
    })
    .from(requestLog)
    .where(and(gt(requestLog.createdAt, since), until ? lt(requestLog.createdAt, until) : undefined, isNotNull(requestLog.tier), ne(requestLog.provider, "proxy")))
    .groupBy(requestLog.tier)
    .orderBy(requestLog.tier);
  return rows.map((row) => ({ tier: row.tier!, requests: Number(row.requests), auto: Number(row.auto), rated: Number(row.rated), ratedBad: Number(row.ratedBad) }));
}

const HOUR = 3_600_000;
/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const targets = [
  { name: "PGlite", skip: false, open: sharedTestDatabase, shared: true, year: 2991 },
  { name: "PostgreSQL", skip: !testDatabaseUrl, open: () => openDatabase({ databaseUrl: testDatabaseUrl!, dataDir: "unused" }), shared: false, year: 2992 },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`tier outcomes on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const created: string[] = [];
    const feedbackIds: string[] = [];
    // Hours of their own, far in the future: other tests' rows and rollups cannot count.
    const base = Date.UTC(target.year, 0, 1);

    beforeAll(async () => {
      handle = await target.open();
    });
    afterAll(async () => {
      if (!handle) return;
      if (feedbackIds.length > 0) await handle.db.delete(feedback).where(inArray(feedback.id, feedbackIds));
      await deleteLogRows(handle.db, created);
      if (!target.shared) await handle.close();
    });

    test("equal the request-log query's on a varied log, for windows on and off the hour", async () => {
      const next = random(7);
      const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
      const rows = Array.from({ length: 400 }, (_, index) => {
        // Six hours, with rows exactly on hour marks and on the windows' ends below.
        const offset = index % 25 === 0 ? Math.floor(next() * 6) * HOUR : index % 31 === 0 ? 90 * 60_000 : Math.floor(next() * 6 * HOUR);
        return makeLogRow({
          createdAt: new Date(base + offset),
          tier: pick(["economy", "standard", "premium", null] as const),
          provider: pick(["openai", "anthropic", "proxy", null] as const),
          requestedModel: pick(["auto", "AUTO", "gpt-4o-mini", "Auto"] as const),
          status: pick([200, 200, 200, 429, 500, 404, 499] as const),
          cacheStatus: pick(["hit", "miss", null] as const),
        });
      });
      created.push(...rows.map((row) => row.taskId));
      await insertRequestLogs(handle.db, rows);
      for (const row of rows) {
        if (next() > 0.3) continue;
        // One rating, or two with the later one deciding.
        for (let count = next() < 0.4 ? 2 : 1, index = 0; index < count; index++) {
          const id = crypto.randomUUID();
          feedbackIds.push(id);
          await insertFeedback(handle.db, { id, taskId: row.taskId, createdAt: new Date(row.createdAt!.getTime() + 60_000 * (index + 1)), rating: next() < 0.5 ? 1 : -1, comment: null, source: "api" });
        }
      }
      const at = (ms: number) => new Date(base + ms);
      const windows: Array<[Date, Date | undefined]> = [
        [at(-HOUR), at(7 * HOUR)],
        [at(0), at(6 * HOUR)],
        [at(90 * 60_000), at(4 * HOUR + 17_000)],
        [at(HOUR + 1), at(HOUR + 20 * 60_000)],
        [at(2 * HOUR), at(3 * HOUR)],
        [at(3 * HOUR - 1), at(3 * HOUR + 1)],
        [at(4 * HOUR + 123), undefined],
        [at(-1), undefined],
      ];
      for (const [since, until] of windows) {
        const expected = await referenceTierOutcomes(handle.db, since, until);
        expect(expected.length).toBeGreaterThan(0);
        expect({ since, until, outcomes: await loadTierOutcomes(handle.db, since, until) }).toEqual({ since, until, outcomes: expected });
      }
    });

    test("read the rollups: a request retention pruned from the log still counts", async () => {
      const hour = base + 30 * 24 * HOUR;
      const rows = [0, 1, 2].map((minute) => makeLogRow({ createdAt: new Date(hour + HOUR + minute * 60_000), tier: "economy", requestedModel: "auto" }));
      created.push(...rows.map((row) => row.taskId));
      await insertRequestLogs(handle.db, rows);
      // As retention deletes (retention-queries.ts): the rollup trigger leaves the totals alone.
      await handle.db.transaction(async (transaction) => {
        await transaction.execute(sql`select set_config('claude_proxy.pruning', 'on', true)`);
        await transaction.delete(requestLog).where(inArray(requestLog.taskId, [rows[0]!.taskId, rows[1]!.taskId]));
      });
      expect(await loadTierOutcomes(handle.db, new Date(hour), new Date(hour + 3 * HOUR))).toEqual([{ tier: "economy", requests: 3, auto: 3, rated: 0, ratedBad: 0 }]);
    });
  });
}
