import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { type HistogramBar, type SlotCount, histogramBars, percentileOf } from "./latency-histogram";
import { numberOf, rowsOf } from "./rows-of";
import { feedback, latencyRollup, latencyRollupDaily, requestLog, requestRollup } from "./schema";
import type { StatsWindow } from "./stats-window";

/**
 * The dashboard's aggregates. They read the hourly rollups (request_rollup, request_latency_rollup),
 * which triggers keep in step with request_log: over a million logged requests a 30-day overview
 * sums a few thousand rows instead of scanning the log (measured in bench/dashboard-seed.ts).
 *
 * Savings are measured against the baseline model recorded on each row. What a subscription
 * provider (the Claude CLI) served is priced at API rates in the log, so it counts as covered by
 * the subscription, not as spend.
 */
export const SUBSCRIPTION_PROVIDERS: readonly string[] = ["claude-cli"];

export interface OverviewTotals {
  requests: number;
  succeeded: number;
  /** 5xx and 429 answers: an upstream or the proxy failed. */
  failed: number;
  /** Other 4xx answers and client aborts (499): the request, not the service, was at fault. */
  rejected: number;
  tokensIn: number;
  tokensOut: number;
  /** Input tokens the providers served from their own prompt caches. */
  cachedTokens: number;
  /** What was paid at API prices (subscription providers excluded). */
  costUsd: number;
  subscriptionUsd: number;
  baselineUsd: number;
  routingSavedUsd: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  feedbackGood: number;
  feedbackBad: number;
}

export interface Series {
  key: string;
  /** One value per bucket of the window, oldest first. */
  points: number[];
}

export interface OverviewStats {
  totals: OverviewTotals;
  spendTodayUsd: number;
  spendMonthUsd: number;
  costByProvider: Series[];
  requestsByTier: Series[];
  routingSaved: number[];
  subscriptionCovered: number[];
  latencyHistogram: HistogramBar[];
}

export interface ModelUsage {
  provider: string;
  model: string;
  requests: number;
  succeeded: number;
  failed: number;
  costUsd: number;
  meanLatencyMs: number | null;
}

const DAY_MS = 86_400_000;
const iso = (date: Date) => date.toISOString();
const isSubscription = (provider: string) => SUBSCRIPTION_PROVIDERS.includes(provider);
const rollupBetween = (since: Date, until: Date) => sql`${requestRollup.hour} >= ${iso(since)}::timestamptz and ${requestRollup.hour} <= ${iso(until)}::timestamptz`;

export async function loadOverviewStats(db: Database, window: StatsWindow): Promise<OverviewStats> {
  // One at a time: PGlite runs one query at a time anyway, and postgres.js gains little on four small reads.
  const buckets = await loadBucketRows(db, window);
  const latency = await loadLatencySlots(db, window.since, window.until);
  const ratings = await loadRatings(db, window.since, window.until);
  const spend = await loadSpend(db, window);
  const size = window.buckets.length;
  const byProvider = new Map<string, number[]>();
  const byTier = new Map<string, number[]>();
  const routingSaved = zeros(size);
  const subscriptionCovered = zeros(size);
  const totals = { requests: 0, succeeded: 0, failed: 0, tokensIn: 0, tokensOut: 0, cachedTokens: 0, costUsd: 0, subscriptionUsd: 0, baselineUsd: 0, routingSavedUsd: 0 };
  for (const row of buckets) {
    const bucket = Math.min(size - 1, Math.max(0, row.bucket));
    const subscription = isSubscription(row.provider) ? row.costUsd : 0;
    const paid = row.costUsd - subscription;
    addTo(byProvider, row.provider || "none", size, bucket, paid);
    addTo(byTier, row.tier || "none", size, bucket, row.requests);
    routingSaved[bucket]! += row.routingSavedUsd;
    subscriptionCovered[bucket]! += subscription;
    totals.requests += row.requests;
    totals.succeeded += row.succeeded;
    totals.failed += row.failed;
    totals.tokensIn += row.tokensIn;
    totals.tokensOut += row.tokensOut;
    totals.cachedTokens += row.cachedTokens;
    totals.costUsd += paid;
    totals.subscriptionUsd += subscription;
    totals.baselineUsd += row.baselineCostUsd;
    totals.routingSavedUsd += row.routingSavedUsd;
  }
  return {
    totals: {
      ...totals,
      rejected: totals.requests - totals.succeeded - totals.failed,
      latencyP50Ms: percentileOf(latency.latency, 0.5),
      latencyP95Ms: percentileOf(latency.latency, 0.95),
      ttftP50Ms: percentileOf(latency.ttft, 0.5),
      ttftP95Ms: percentileOf(latency.ttft, 0.95),
      ...ratings,
    },
    ...spend,
    costByProvider: toSeries(byProvider).filter((series) => total(series.points) > 0),
    // Tiers stack cheapest first, whatever their counts.
    requestsByTier: toSeries(byTier).sort((a, b) => tierRank(a.key) - tierRank(b.key)),
    routingSaved,
    subscriptionCovered,
    latencyHistogram: histogramBars(latency.latency),
  };
}

interface BucketRow {
  bucket: number;
  provider: string;
  tier: string;
  requests: number;
  succeeded: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  costUsd: number;
  baselineCostUsd: number;
  routingSavedUsd: number;
}

/**
 * Rollup rows summed per chart bucket. Rollup hours are UTC hours; in a time zone offset by half an
 * hour, each hour counts in the bucket it starts in.
 */
async function loadBucketRows(db: Database, window: StatsWindow): Promise<BucketRow[]> {
  // date_part and float8 sums: extract() and sums of bigint are numeric, several times slower on PGlite.
  const bucket = sql`floor((date_part('epoch', ${requestRollup.hour}) * 1000 - ${window.since.getTime()}) / ${window.stepMs})::int`;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${bucket} as bucket, ${requestRollup.provider} as provider, ${requestRollup.tier} as tier,
        sum(${requestRollup.requests}) as requests, sum(${requestRollup.succeeded}) as succeeded, sum(${requestRollup.failed}) as failed,
        sum(${requestRollup.tokensIn}::float8) as tokens_in, sum(${requestRollup.tokensOut}::float8) as tokens_out,
        sum(${requestRollup.cachedTokens}::float8) as cached_tokens,
        sum(${requestRollup.costUsd}) as cost, sum(${requestRollup.baselineCostUsd}) as baseline, sum(${requestRollup.routingSavedUsd}) as routing_saved
      from ${requestRollup} where ${rollupBetween(window.since, window.until)}
      group by 1, 2, 3`),
  );
  return rows.map((row) => ({
    bucket: numberOf(row.bucket),
    provider: String(row.provider ?? ""),
    tier: String(row.tier ?? ""),
    requests: numberOf(row.requests),
    succeeded: numberOf(row.succeeded),
    failed: numberOf(row.failed),
    tokensIn: numberOf(row.tokens_in),
    tokensOut: numberOf(row.tokens_out),
    cachedTokens: numberOf(row.cached_tokens),
    costUsd: numberOf(row.cost),
    baselineCostUsd: numberOf(row.baseline),
    routingSavedUsd: numberOf(row.routing_saved),
  }));
}

/**
 * Latency histogram slots of a window: whole UTC days from the daily table, the ragged ends from
 * the hourly one (percentiles need no time buckets, so the two add up exactly).
 */
export async function loadLatencySlots(db: Database, since: Date, until: Date): Promise<{ latency: SlotCount[]; ttft: SlotCount[] }> {
  const firstDay = new Date(Math.ceil(since.getTime() / DAY_MS) * DAY_MS);
  const lastDay = new Date(Math.floor(until.getTime() / DAY_MS) * DAY_MS);
  const hourly = (from: Date, to: Date, inclusive: boolean) =>
    sql`select ${latencyRollup.kind} as kind, ${latencyRollup.slot} as slot, ${latencyRollup.count} as count from ${latencyRollup}
      where ${latencyRollup.hour} >= ${iso(from)}::timestamptz and ${latencyRollup.hour} ${inclusive ? sql`<=` : sql`<`} ${iso(to)}::timestamptz`;
  const parts =
    firstDay < lastDay
      ? sql`${hourly(since, firstDay, false)}
        union all select ${latencyRollupDaily.kind}, ${latencyRollupDaily.slot}, ${latencyRollupDaily.count} from ${latencyRollupDaily}
          where ${latencyRollupDaily.day} >= ${iso(firstDay)}::timestamptz and ${latencyRollupDaily.day} < ${iso(lastDay)}::timestamptz
        union all ${hourly(lastDay, until, true)}`
      : hourly(since, until, true);
  const rows = rowsOf<Record<string, unknown>>(await db.execute(sql`select kind, slot, sum(count) as count from (${parts}) as slots group by 1, 2`));
  const pick = (kind: string) => rows.filter((row) => row.kind === kind).map((row) => ({ slot: numberOf(row.slot), count: numberOf(row.count) }));
  return { latency: pick("latency"), ttft: pick("ttft") };
}

async function loadRatings(db: Database, since: Date, until: Date) {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select count(*) filter (where ${feedback.rating} > 0) as good, count(*) filter (where ${feedback.rating} < 0) as bad
      from ${feedback} where ${feedback.createdAt} >= ${iso(since)}::timestamptz and ${feedback.createdAt} <= ${iso(until)}::timestamptz`),
  );
  return { feedbackGood: numberOf(rows[0]?.good), feedbackBad: numberOf(rows[0]?.bad) };
}

/** Spend of the current day and month (local time), whatever range the page shows. */
export async function loadSpend(db: Database, window: Pick<StatsWindow, "startOfToday" | "startOfMonth" | "until">) {
  const subscription = sql.join(SUBSCRIPTION_PROVIDERS.map((provider) => sql`${provider}`), sql`, `);
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select sum(${requestRollup.costUsd}) filter (where ${requestRollup.hour} >= ${iso(window.startOfToday)}::timestamptz) as today,
        sum(${requestRollup.costUsd}) as month
      from ${requestRollup}
      where ${rollupBetween(window.startOfMonth, window.until)} and ${requestRollup.provider} not in (${subscription})`),
  );
  return { spendTodayUsd: numberOf(rows[0]?.today), spendMonthUsd: numberOf(rows[0]?.month) };
}

/** Cost per provider today and this month, subscription providers included (flagged by the caller). */
export async function loadSpendByProvider(db: Database, window: Pick<StatsWindow, "startOfToday" | "startOfMonth" | "until">) {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${requestRollup.provider} as provider,
        sum(${requestRollup.costUsd}) filter (where ${requestRollup.hour} >= ${iso(window.startOfToday)}::timestamptz) as today,
        sum(${requestRollup.costUsd}) as month
      from ${requestRollup}
      where ${rollupBetween(window.startOfMonth, window.until)} and ${requestRollup.provider} <> ''
      group by 1 order by 3 desc`),
  );
  return rows
    .map((row) => ({ provider: String(row.provider), todayUsd: numberOf(row.today), monthUsd: numberOf(row.month), subscription: isSubscription(String(row.provider)) }))
    .filter((row) => row.monthUsd > 0);
}

/** Requests, failures, cost and mean latency per provider and model since a date. */
export async function loadModelUsage(db: Database, since: Date, until: Date): Promise<ModelUsage[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${requestRollup.provider} as provider, ${requestRollup.model} as model, sum(${requestRollup.requests}) as requests,
        sum(${requestRollup.succeeded}) as succeeded, sum(${requestRollup.failed}) as failed, sum(${requestRollup.costUsd}) as cost,
        sum(${requestRollup.latencyMsSum}::float8) as latency_sum
      from ${requestRollup} where ${rollupBetween(since, until)} and ${requestRollup.provider} <> ''
      group by 1, 2 order by 3 desc`),
  );
  return rows.map((row) => {
    const succeeded = numberOf(row.succeeded);
    return {
      provider: String(row.provider),
      model: String(row.model),
      requests: numberOf(row.requests),
      succeeded,
      failed: numberOf(row.failed),
      costUsd: numberOf(row.cost),
      meanLatencyMs: succeeded > 0 ? numberOf(row.latency_sum) / succeeded : null,
    };
  });
}

/** Requests per tier since a date ("none" for requests that never reached routing). */
export async function loadTierCounts(db: Database, since: Date, until: Date): Promise<Array<{ tier: string; requests: number }>> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${requestRollup.tier} as tier, sum(${requestRollup.requests}) as requests
      from ${requestRollup} where ${rollupBetween(since, until)}
      group by 1`),
  );
  return rows
    .map((row) => ({ tier: String(row.tier || "none"), requests: numberOf(row.requests) }))
    .filter((row) => row.requests > 0)
    .sort((a, b) => tierRank(a.tier) - tierRank(b.tier));
}

/** The latest ratings, newest first, with the model each rated answer came from. */
export async function listRecentFeedback(db: Database, limit: number) {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${feedback.taskId} as task_id, extract(epoch from ${feedback.createdAt}) * 1000 as at, ${feedback.rating} as rating,
        ${feedback.comment} as comment, ${feedback.source} as source, ${requestLog.provider} as provider, ${requestLog.model} as model,
        ${requestLog.category} as category
      from ${feedback} left join ${requestLog} on ${requestLog.taskId} = ${feedback.taskId}
      order by ${feedback.createdAt} desc limit ${limit}`),
  );
  return rows.map((row) => ({
    taskId: String(row.task_id),
    createdAt: new Date(numberOf(row.at)),
    rating: numberOf(row.rating),
    comment: row.comment === null || row.comment === undefined ? null : String(row.comment),
    source: String(row.source),
    provider: row.provider ? String(row.provider) : null,
    model: row.model ? String(row.model) : null,
    category: row.category ? String(row.category) : null,
  }));
}

export type RecentFeedback = Awaited<ReturnType<typeof listRecentFeedback>>[number];

const tierOrder = ["economy", "standard", "premium"];
const tierRank = (tier: string) => (tierOrder.includes(tier) ? tierOrder.indexOf(tier) : tierOrder.length);
const zeros = (size: number) => new Array<number>(size).fill(0);
const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);

function addTo(map: Map<string, number[]>, key: string, size: number, bucket: number, value: number) {
  let points = map.get(key);
  if (!points) map.set(key, (points = zeros(size)));
  points[bucket]! += value;
}

const toSeries = (map: Map<string, number[]>): Series[] =>
  [...map.entries()].map(([key, points]) => ({ key, points })).sort((a, b) => total(b.points) - total(a.points));
