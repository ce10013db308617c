import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client";
import { loadSpendByProvider } from "../../src/db/dashboard/budgets-queries";
import { loadLatencySlots } from "../../src/db/dashboard/latency-queries";
import { loadOverviewStats } from "../../src/db/dashboard/overview-queries";
import { loadTierCounts } from "../../src/db/dashboard/routing-queries";
import { insertFeedback, insertRequestLogs } from "../../src/db/queries";
import { numberOf, rowsOf } from "../../src/db/rows-of";
import type { RequestLogRow } from "../../src/db/schema";
import { statsWindow } from "../../src/db/stats-window";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";

/**
 * The overview's figures come from rollup tables that triggers keep in step with request_log. On
 * both databases: what the rollups say equals what request_log says, after inserts and deletes,
 * and the daily latency table adds up with the hourly one; the savings split by source (routing,
 * subscription, response cache, compression priced per model) and the cache hit rate; pruning
 * leaves every sum alone. Rows go to a random month of 2003, so they never mix with other tests'
 * rows and each comparison is against the log itself.
 */

const HOUR_MS = 3_600_000;
const providers = ["openai", "anthropic", "gemini", "claude-cli"];
const tiers = ["economy", "standard", "premium", null];
const statuses = [200, 200, 200, 200, 500, 429, 499, 400];

const cacheStatuses = ["hit", "miss", "miss", "bypass", null];
/** USD per million input tokens, per model: what compression's tokens are priced at. */
const inputPrice = (provider: string, model: string) => (provider === "claude-cli" ? 0 : model === "model-2" ? undefined : 1 + Number(model.slice(-1)));

/** A deterministic spread of rows over the `hours` hours before `now`. */
function spreadRows(now: Date, count: number, hours: number): RequestLogRow[] {
  return Array.from({ length: count }, (_, index) => {
    const status = statuses[index % statuses.length]!;
    const provider = providers[index % providers.length]!;
    const subscription = provider === "claude-cli";
    const cacheStatus = cacheStatuses[index % cacheStatuses.length]!;
    const compressed = status === 200 && cacheStatus !== "hit" && index % 3 !== 0;
    return makeLogRow({
      createdAt: new Date(now.getTime() - ((index * 7919) % (hours * 60)) * 60_000 - 1000),
      provider,
      model: `model-${index % 3}`,
      tier: tiers[index % tiers.length],
      status,
      tokensIn: 100 + index,
      tokensOut: 10 + (index % 50),
      cachedTokens: index % 4 === 0 ? 50 : 0,
      // A subscription's requests cost nothing; their list-price value is recorded apart.
      costUsd: subscription ? 0 : 0.001 * (1 + (index % 5)),
      subscriptionValueUsd: subscription && status === 200 ? 0.002 * (1 + (index % 5)) : null,
      baselineCostUsd: status === 200 && cacheStatus !== "hit" ? 0.01 : null,
      cacheStatus,
      cacheSavedUsd: cacheStatus === "hit" ? 0.003 : null,
      compressionTokensBefore: compressed ? 1000 + index : null,
      compressionTokensAfter: compressed ? 800 + index : null,
      latencyMs: 100 + ((index * 37) % 9000),
      ttftMs: index % 2 === 0 ? 50 + (index % 400) : null,
    });
  });
}

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`dashboard aggregates on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const created: string[] = [];
    // Mid-afternoon of the 20th of a random month of 2003, local time (so the month so far holds rows).
    const now = new Date(2003, Math.floor(Math.random() * 12), 20, 15, 40, 0);
    const insert = async (rows: RequestLogRow[]) => {
      created.push(...rows.map((row) => row.taskId));
      await insertRequestLogs(handle.db, rows);
    };
    /** The figures straight from request_log. */
    const raw = async (since: Date, until: Date) => {
      const window = sql`created_at >= ${since.toISOString()}::timestamptz and created_at < ${new Date(Math.ceil(until.getTime() / HOUR_MS) * HOUR_MS).toISOString()}::timestamptz`;
      const rows = rowsOf<Record<string, unknown>>(
        await handle.db.execute(sql`
          select count(*) as requests, count(*) filter (where status = 200) as succeeded, count(*) filter (where status >= 500 or status = 429) as failed,
            coalesce(sum(tokens_in), 0) as tokens_in, coalesce(sum(cost_usd), 0) as paid,
            coalesce(sum(subscription_value_usd), 0) as subscription,
            coalesce(sum(baseline_cost_usd - cost_usd - coalesce(subscription_value_usd, 0)), 0) as routing_saved,
            count(*) filter (where cache_status = 'hit') as hits, count(*) filter (where cache_status = 'miss') as misses,
            coalesce(sum(cache_saved_usd) filter (where cache_status = 'hit'), 0) as cache_saved,
            coalesce(sum(compression_tokens_before) filter (where status = 200), 0) as compression_before,
            coalesce(sum(compression_tokens_after) filter (where status = 200), 0) as compression_after
          from request_log where ${window}`),
      );
      const perModel = rowsOf<{ provider: string; model: string; removed: unknown }>(
        await handle.db.execute(sql`
          select provider, model, sum(compression_tokens_before - compression_tokens_after) as removed
          from request_log where ${window} and status = 200 and compression_tokens_before is not null group by 1, 2`),
      );
      const compressionSaved = perModel.reduce((total, row) => total + (numberOf(row.removed) * (inputPrice(row.provider, row.model) ?? 0)) / 1_000_000, 0);
      return { ...Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, numberOf(value)])), compression_saved: compressionSaved } as Record<string, number>;
    };

    beforeAll(async () => {
      handle = await target.open();
      await insert(spreadRows(now, 400, 24 * 33));
    });

    afterAll(async () => {
      if (!handle) return;
      await deleteLogRows(handle.db, created);
      if (!target.shared) await handle.close();
    });

    for (const range of ["24h", "7d", "30d"] as const) {
      test(`the ${range} overview equals request_log: totals, and charts that add up to them`, async () => {
        const window = statsWindow(range, now);
        const stats = await loadOverviewStats(handle.db, window, inputPrice);
        const expected = await raw(window.since, window.until);
        expect(expected.requests).toBeGreaterThan(0);
        const { totals } = stats;
        expect(totals.requests).toBe(expected.requests!);
        expect(totals.succeeded).toBe(expected.succeeded!);
        expect(totals.failed).toBe(expected.failed!);
        expect(totals.tokensIn).toBe(expected.tokens_in!);
        expect(totals.costUsd).toBeCloseTo(expected.paid!, 9);
        // The 24 hours hold a dozen rows: every kind of saving shows up over the longer ranges.
        if (range !== "24h") expect(Math.min(totals.subscriptionUsd, totals.cacheSavedUsd, totals.compressionSavedUsd)).toBeGreaterThan(0);
        expect(totals.subscriptionUsd).toBeCloseTo(expected.subscription!, 9);
        expect(totals.routingSavedUsd).toBeCloseTo(expected.routing_saved!, 9);
        expect(totals.cacheHits).toBe(expected.hits!);
        expect(totals.cacheMisses).toBe(expected.misses!);
        expect(totals.cacheHitRate).toBeCloseTo(expected.hits! / (expected.hits! + expected.misses!), 12);
        expect(totals.cacheSavedUsd).toBeCloseTo(expected.cache_saved!, 9);
        expect(totals.compressionTokensBefore).toBe(expected.compression_before!);
        expect(totals.compressionTokensAfter).toBe(expected.compression_after!);
        expect(totals.compressionSavedUsd).toBeCloseTo(expected.compression_saved!, 12);
        const saved = expected.routing_saved! + expected.subscription! + expected.cache_saved! + expected.compression_saved!;
        expect(totals.savedUsd).toBeCloseTo(saved, 9);
        expect(totals.withoutProxyUsd).toBeCloseTo(expected.paid! + saved, 9);
        const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
        expect(sum(stats.costByProvider.flatMap((series) => series.points))).toBeCloseTo(expected.paid!, 9);
        expect(sum(stats.requestsByTier.flatMap((series) => series.points))).toBe(expected.requests!);
        expect(stats.costByProvider.map((series) => series.key)).not.toContain("claude-cli");
        expect(sum(stats.routingSaved)).toBeCloseTo(expected.routing_saved!, 9);
        expect(sum(stats.subscriptionCovered)).toBeCloseTo(expected.subscription!, 9);
        expect(sum(stats.cacheSaved)).toBeCloseTo(expected.cache_saved!, 9);
        expect(sum(stats.compressionSaved)).toBeCloseTo(expected.compression_saved!, 12);
        for (const series of [...stats.costByProvider, ...stats.requestsByTier]) expect(series.points).toHaveLength(window.buckets.length);
      });
    }

    test("each chart bucket holds exactly its own period's rows", async () => {
      const window = statsWindow("7d", now);
      const stats = await loadOverviewStats(handle.db, window);
      const tiers = new Map(stats.requestsByTier.map((series) => [series.key, series.points]));
      for (const [index, start] of window.buckets.entries()) {
        const end = new Date(start.getTime() + window.stepMs);
        const rows = rowsOf<{ tier: string | null; requests: unknown }>(
          await handle.db.execute(sql`select tier, count(*) as requests from request_log
            where created_at >= ${start.toISOString()}::timestamptz and created_at < ${end.toISOString()}::timestamptz group by 1`),
        );
        for (const row of rows) expect(tiers.get(row.tier ?? "none")?.[index]).toBe(numberOf(row.requests));
      }
    });

    test("latency percentiles are within the histogram's precision of the exact ones", async () => {
      const window = statsWindow("30d", now);
      const stats = await loadOverviewStats(handle.db, window);
      const exact = rowsOf<Record<string, unknown>>(
        await handle.db.execute(sql`select percentile_cont(0.5) within group (order by latency_ms) as p50, percentile_cont(0.95) within group (order by latency_ms) as p95
          from request_log where status = 200 and created_at >= ${window.since.toISOString()}::timestamptz and created_at <= ${window.until.toISOString()}::timestamptz`),
      )[0]!;
      expect(Math.abs(stats.totals.latencyP50Ms! / numberOf(exact.p50) - 1)).toBeLessThan(0.07);
      expect(Math.abs(stats.totals.latencyP95Ms! / numberOf(exact.p95) - 1)).toBeLessThan(0.07);
      const histogramTotal = stats.latencyHistogram.reduce((total, bar) => total + bar.count, 0);
      expect(histogramTotal).toBe(stats.totals.succeeded);
    });

    test("whole days from the daily latency table add up with the hourly ends", async () => {
      const since = new Date(now.getTime() - 20 * 86_400_000 - 5 * HOUR_MS);
      const composed = await loadLatencySlots(handle.db, since, now);
      const hourly = rowsOf<{ kind: string; slot: unknown; count: unknown }>(
        await handle.db.execute(sql`select kind, slot, sum(count) as count from request_latency_rollup
          where hour >= ${since.toISOString()}::timestamptz and hour <= ${now.toISOString()}::timestamptz group by 1, 2`),
      );
      const byKey = (entries: Array<{ slot: number; count: number }>) => Object.fromEntries(entries.filter((entry) => entry.count > 0).map((entry) => [entry.slot, entry.count]));
      const fromHourly = (kind: string) => byKey(hourly.filter((row) => row.kind === kind).map((row) => ({ slot: numberOf(row.slot), count: numberOf(row.count) })));
      expect(byKey(composed.latency)).toEqual(fromHourly("latency"));
      expect(byKey(composed.ttft)).toEqual(fromHourly("ttft"));
    });

    test("tier counts and spend by provider come from the same rollup", async () => {
      const window = statsWindow("24h", now);
      const tiers = await loadTierCounts(handle.db, window.since, window.until);
      const expected = await raw(window.since, window.until);
      expect(tiers.reduce((total, entry) => total + entry.requests, 0)).toBe(expected.requests!);
      const spend = await loadSpendByProvider(handle.db, window);
      const cli = spend.find((entry) => entry.provider === "claude-cli")!;
      expect({ today: cli.todayUsd, month: cli.monthUsd }).toEqual({ today: 0, month: 0 });
      expect(cli.coveredMonthUsd).toBeGreaterThan(0);
      expect(spend.find((entry) => entry.provider === "openai")?.coveredMonthUsd).toBe(0);
    });

    test("feedback in the window is counted", async () => {
      const window = statsWindow("24h", now);
      const before = (await loadOverviewStats(handle.db, window)).totals;
      const taskId = created[0]!;
      const at = new Date(now.getTime() - HOUR_MS);
      await insertFeedback(handle.db, { id: crypto.randomUUID(), taskId, createdAt: at, rating: -1, comment: "wrong", source: "api" });
      const after = (await loadOverviewStats(handle.db, window)).totals;
      await handle.db.execute(sql`delete from feedback where task_id = ${taskId} and created_at = ${at.toISOString()}::timestamptz`);
      expect(after.feedbackBad).toBe(before.feedbackBad + 1);
    });

    test("deleting logged rows takes them out of the rollups", async () => {
      const extra = spreadRows(new Date(now.getTime() - 2 * HOUR_MS), 30, 1);
      const window = statsWindow("24h", now);
      const before = (await loadOverviewStats(handle.db, window)).totals;
      await insert(extra);
      expect((await loadOverviewStats(handle.db, window)).totals.requests).toBe(before.requests + 30);
      await deleteLogRows(handle.db, extra.map((row) => row.taskId));
      const after = (await loadOverviewStats(handle.db, window)).totals;
      expect(after.requests).toBe(before.requests);
      expect(after.costUsd).toBeCloseTo(before.costUsd, 9);
      expect(after.latencyP50Ms).toBe(before.latencyP50Ms);
    });

    test("updating a logged row moves its figures in the rollups", async () => {
      const extra = spreadRows(new Date(now.getTime() - 4 * HOUR_MS), 16, 1).map((row) => ({ ...row, status: 200 }));
      await insert(extra);
      const window = statsWindow("24h", now);
      const ours = sql`task_id in (${sql.join(extra.map((row) => sql`${row.taskId}::uuid`), sql`, `)})`;
      await handle.db.execute(sql`update request_log set status = 500, cost_usd = cost_usd + 1 where ${ours}`);
      const expected = await raw(window.since, window.until);
      const { totals } = await loadOverviewStats(handle.db, window, inputPrice);
      expect({ requests: totals.requests, succeeded: totals.succeeded, failed: totals.failed }).toEqual({ requests: expected.requests!, succeeded: expected.succeeded!, failed: expected.failed! });
      expect(totals.costUsd).toBeCloseTo(expected.paid!, 9);
    });

    test("the rollup trigger runs static statements, planned once per connection instead of at every insert", async () => {
      const source = rowsOf<{ source: string }>(await handle.db.execute(sql`select prosrc as source from pg_proc where proname = 'request_rollup_apply'`));
      expect(source).toHaveLength(1);
      expect(source[0]!.source).not.toMatch(/\bexecute\b/i);
      expect(source[0]!.source).toContain("INSERT INTO request_rollup AS r");
    });

    // Before the pruning test: from then on the rollups rightly count rows request_log no longer has.
    test("every rollup row, hourly and daily, equals its recomputation from request_log after the inserts, deletes and updates above", async () => {
      const since = new Date(now.getTime() - 40 * 86_400_000);
      const until = new Date(now.getTime() + 86_400_000);
      const inWindow = sql`created_at >= ${since.toISOString()}::timestamptz and created_at < ${until.toISOString()}::timestamptz`;
      // PGlite answers timestamps as Dates, postgres.js (through drizzle's execute) as text.
      const instant = (value: unknown) => new Date(value instanceof Date ? value.getTime() : String(value)).toISOString();
      /** Rows by their key columns, every other value a number rounded to 1e-9 (float sums add up in another order). */
      const keyed = (rows: Array<Record<string, unknown>>, keys: string[]) =>
        Object.fromEntries(
          rows.map((row) => [
            keys.map((key) => (key === "hour" || key === "day" ? instant(row[key]) : String(row[key]))).join("|"),
            Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)).map(([key, value]) => [key, Math.round(numberOf(value) * 1e9) / 1e9])),
          ]),
        );
      const sumsKeys = ["hour", "provider", "model", "tier"];
      const expectedSums = rowsOf<Record<string, unknown>>(
        await handle.db.execute(sql`
          select date_trunc('hour', created_at, 'UTC') as hour, coalesce(provider, '') as provider, coalesce(model, '') as model, coalesce(tier, '') as tier,
            count(*) as requests, count(*) filter (where status = 200) as succeeded, count(*) filter (where status >= 500 or status = 429) as failed,
            sum(tokens_in) as tokens_in, sum(tokens_out) as tokens_out, sum(cached_tokens) as cached_tokens, sum(cost_usd) as cost_usd,
            coalesce(sum(baseline_cost_usd), 0) as baseline_cost_usd,
            coalesce(sum(baseline_cost_usd - cost_usd - coalesce(subscription_value_usd, 0)), 0) as routing_saved_usd,
            coalesce(sum(latency_ms) filter (where status = 200), 0) as latency_ms_sum, coalesce(sum(subscription_value_usd), 0) as subscription_value_usd,
            count(*) filter (where cache_status = 'hit') as cache_hits, count(*) filter (where cache_status = 'miss') as cache_misses,
            coalesce(sum(cache_saved_usd) filter (where cache_status = 'hit'), 0) as cache_saved_usd,
            coalesce(sum(compression_tokens_before) filter (where status = 200 and compression_tokens_after is not null), 0) as compression_tokens_before,
            coalesce(sum(compression_tokens_after) filter (where status = 200 and compression_tokens_before is not null), 0) as compression_tokens_after
          from request_log where ${inWindow} group by 1, 2, 3, 4`),
      );
      const actualSums = rowsOf<Record<string, unknown>>(
        await handle.db.execute(sql`
          select hour, provider, model, tier, requests, succeeded, failed, tokens_in, tokens_out, cached_tokens, cost_usd, baseline_cost_usd, routing_saved_usd,
            latency_ms_sum, subscription_value_usd, cache_hits, cache_misses, cache_saved_usd, compression_tokens_before, compression_tokens_after
          from request_rollup where hour >= ${since.toISOString()}::timestamptz and hour < ${until.toISOString()}::timestamptz and requests <> 0`),
      );
      expect(expectedSums.length).toBeGreaterThan(100);
      expect(keyed(actualSums, sumsKeys)).toEqual(keyed(expectedSums, sumsKeys));
      for (const [table, period] of [["request_latency_rollup", "hour"], ["request_latency_rollup_daily", "day"]] as const) {
        const expectedSlots = rowsOf<Record<string, unknown>>(
          await handle.db.execute(sql`
            select date_trunc(${period}, created_at, 'UTC') as ${sql.identifier(period)}, 'latency' as kind, floor(log(greatest(latency_ms, 1)::float8) * 20)::int as slot, count(*) as count
            from request_log where ${inWindow} and status = 200 group by 1, 2, 3
            union all
            select date_trunc(${period}, created_at, 'UTC'), 'ttft', floor(log(greatest(ttft_ms, 1)::float8) * 20)::int, count(*)
            from request_log where ${inWindow} and status = 200 and ttft_ms is not null group by 1, 2, 3`),
        );
        // Whole days only for the daily table: the window's first and last day hold rows outside it.
        const whole = period === "day" ? sql`and day > ${since.toISOString()}::timestamptz and day + interval '1 day' <= ${until.toISOString()}::timestamptz` : sql``;
        const actualSlots = rowsOf<Record<string, unknown>>(
          await handle.db.execute(sql`select ${sql.identifier(period)}, kind, slot::int as slot, count from ${sql.identifier(table)}
            where ${sql.identifier(period)} >= ${since.toISOString()}::timestamptz and ${sql.identifier(period)} < ${until.toISOString()}::timestamptz and count <> 0 ${whole}`),
        );
        const isWhole = (row: Record<string, unknown>) => {
          const day = new Date(instant(row.day)).getTime();
          return day > since.getTime() && day + 86_400_000 <= until.getTime();
        };
        const expectedInRange = period === "day" ? expectedSlots.filter(isWhole) : expectedSlots;
        expect(expectedInRange.length).toBeGreaterThan(20);
        expect(keyed(actualSlots, [period, "kind", "slot"])).toEqual(keyed(expectedInRange, [period, "kind", "slot"]));
      }
    });

    test("retention's pruning leaves every sum of the rollups as it was, the new ones included", async () => {
      const old = spreadRows(new Date(now.getTime() - 3 * HOUR_MS), 25, 1);
      await insert(old);
      const window = statsWindow("24h", now);
      const before = (await loadOverviewStats(handle.db, window, inputPrice)).totals;
      const cutoff = new Date(Math.max(...old.map((row) => row.createdAt.getTime())) + 1);
      // Deleted as pruneRequestLogBatch deletes (claude_proxy.pruning on for the transaction), but only these rows.
      const ours = sql`task_id in (${sql.join(old.map((row) => sql`${row.taskId}::uuid`), sql`, `)})`;
      const pruned = await handle.db.transaction(async (transaction) => {
        await transaction.execute(sql`select set_config('claude_proxy.pruning', 'on', true)`);
        return rowsOf(await transaction.execute(sql`delete from request_log where ${ours} and created_at < ${cutoff.toISOString()}::timestamptz returning task_id`)).length;
      });
      expect(pruned).toBe(25);
      const after = (await loadOverviewStats(handle.db, window, inputPrice)).totals;
      expect(after).toEqual(before);
    });
  });
}
