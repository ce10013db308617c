import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { numberOf, rowsOf } from "../rows-of";
import { feedback, requestRollup } from "../schema";
import type { StatsWindow } from "../stats-window";
import { loadSpend } from "./budgets-queries";
import { type HistogramBar, histogramBars, percentileOf } from "./latency-histogram";
import { loadLatencySlots } from "./latency-queries";
import { type Series, addTo, iso, rollupBetween, sumOf, tierRank, toSeries, zeros } from "./rollup-helpers";

/**
 * The overview's figures. They read the hourly rollups (request_rollup, request_latency_rollup),
 * which triggers keep in step with request_log: over a million logged requests a 30-day overview
 * sums a few thousand rows instead of scanning the log (measured in bench/dashboard-seed.ts).
 *
 * Savings, against what the same requests would have cost without the proxy:
 * - routing: the baseline model's price minus what the chosen model costs at list price;
 * - subscription: what a flat subscription paid for, at the API's list price;
 * - response cache: what each hit's answer cost when it was made;
 * - compression: the prompt tokens it removed, at the serving model's input price in the catalog
 *   (0 for a model a subscription pays for: those tokens saved quota, not money).
 */
export type { Series } from "./rollup-helpers";

/** USD per million input tokens of a model, from the catalog; undefined when it is not listed. */
export type InputPrice = (provider: string, model: string) => number | undefined;

export interface OverviewTotals {
  requests: number;
  succeeded: number;
  /** 5xx and 429 answers: an upstream failed, or the proxy refused (a spent budget, an open circuit). */
  failed: number;
  /**
   * Calls a provider answered with an error, any status but 200 (a 404 too), the proxy's refusals,
   * cache hits and clients that left not among them (request_rollup.upstream_failed, migration 0012).
   */
  upstreamFailed: number;
  /** Other 4xx answers and client aborts (499): the request, not the service, was at fault. */
  rejected: number;
  tokensIn: number;
  tokensOut: number;
  /** Input tokens the providers served from their own prompt caches. */
  cachedTokens: number;
  /** What was paid (a subscription's requests cost 0). */
  costUsd: number;
  /** What the requests that have a baseline would have cost on the baseline model. */
  baselineUsd: number;
  routingSavedUsd: number;
  subscriptionUsd: number;
  cacheSavedUsd: number;
  compressionSavedUsd: number;
  /** The four savings together. */
  savedUsd: number;
  /** What the same requests would have cost without the proxy: cost + saved. */
  withoutProxyUsd: number;
  cacheHits: number;
  cacheMisses: number;
  /** Hits over hits and misses (bypasses are neither); null when the cache was not asked. */
  cacheHitRate: number | null;
  compressionTokensBefore: number;
  compressionTokensAfter: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  feedbackGood: number;
  feedbackBad: number;
}

export interface OverviewStats {
  totals: OverviewTotals;
  spendTodayUsd: number;
  spendMonthUsd: number;
  costByProvider: Series[];
  requestsByTier: Series[];
  /** Savings per bucket, one series per source. */
  routingSaved: number[];
  subscriptionCovered: number[];
  cacheSaved: number[];
  compressionSaved: number[];
  latencyHistogram: HistogramBar[];
}

const noPrice: InputPrice = () => undefined;

export async function loadOverviewStats(db: Database, window: StatsWindow, inputPrice: InputPrice = noPrice): Promise<OverviewStats> {
  // One at a time: PGlite runs one query at a time anyway, and postgres.js gains little on four small reads.
  const buckets = await loadBucketRows(db, window);
  const latency = await loadLatencySlots(db, window.since, window.until);
  const ratings = await loadRatings(db, window.since, window.until);
  const spend = await loadSpend(db, window);
  const size = window.buckets.length;
  const byProvider = new Map<string, number[]>();
  const byTier = new Map<string, number[]>();
  const series = { routingSaved: zeros(size), subscriptionCovered: zeros(size), cacheSaved: zeros(size), compressionSaved: zeros(size) };
  const sums = {
    requests: 0, succeeded: 0, failed: 0, upstreamFailed: 0, tokensIn: 0, tokensOut: 0, cachedTokens: 0, costUsd: 0, baselineUsd: 0,
    routingSavedUsd: 0, subscriptionUsd: 0, cacheSavedUsd: 0, compressionSavedUsd: 0, cacheHits: 0, cacheMisses: 0,
    compressionTokensBefore: 0, compressionTokensAfter: 0,
  };
  for (const row of buckets) {
    const bucket = Math.min(size - 1, Math.max(0, row.bucket));
    const compressionSaved = (Math.max(0, row.compressionTokensBefore - row.compressionTokensAfter) * (inputPrice(row.provider, row.model) ?? 0)) / 1_000_000;
    addTo(byProvider, row.provider || "none", size, bucket, row.costUsd);
    addTo(byTier, row.tier || "none", size, bucket, row.requests);
    series.routingSaved[bucket]! += row.routingSavedUsd;
    series.subscriptionCovered[bucket]! += row.subscriptionValueUsd;
    series.cacheSaved[bucket]! += row.cacheSavedUsd;
    series.compressionSaved[bucket]! += compressionSaved;
    sums.requests += row.requests;
    sums.succeeded += row.succeeded;
    sums.failed += row.failed;
    // A provider's row: the proxy's own replies ("proxy") and refusals before any call ("") are none.
    if (row.provider !== "" && row.provider !== "proxy") sums.upstreamFailed += row.upstreamFailed;
    sums.tokensIn += row.tokensIn;
    sums.tokensOut += row.tokensOut;
    sums.cachedTokens += row.cachedTokens;
    sums.costUsd += row.costUsd;
    sums.baselineUsd += row.baselineCostUsd;
    sums.routingSavedUsd += row.routingSavedUsd;
    sums.subscriptionUsd += row.subscriptionValueUsd;
    sums.cacheSavedUsd += row.cacheSavedUsd;
    sums.compressionSavedUsd += compressionSaved;
    sums.cacheHits += row.cacheHits;
    sums.cacheMisses += row.cacheMisses;
    sums.compressionTokensBefore += row.compressionTokensBefore;
    sums.compressionTokensAfter += row.compressionTokensAfter;
  }
  const savedUsd = sums.routingSavedUsd + sums.subscriptionUsd + sums.cacheSavedUsd + sums.compressionSavedUsd;
  const lookups = sums.cacheHits + sums.cacheMisses;
  return {
    totals: {
      ...sums,
      rejected: sums.requests - sums.succeeded - sums.failed,
      savedUsd,
      withoutProxyUsd: sums.costUsd + savedUsd,
      cacheHitRate: lookups > 0 ? sums.cacheHits / lookups : null,
      latencyP50Ms: percentileOf(latency.latency, 0.5),
      latencyP95Ms: percentileOf(latency.latency, 0.95),
      ttftP50Ms: percentileOf(latency.ttft, 0.5),
      ttftP95Ms: percentileOf(latency.ttft, 0.95),
      ...ratings,
    },
    ...spend,
    costByProvider: toSeries(byProvider).filter((entry) => sumOf(entry.points) > 0),
    // Tiers stack cheapest first, whatever their counts.
    requestsByTier: toSeries(byTier).sort((a, b) => tierRank(a.key) - tierRank(b.key)),
    ...series,
    latencyHistogram: histogramBars(latency.latency),
  };
}

interface BucketRow {
  bucket: number;
  provider: string;
  model: string;
  tier: string;
  requests: number;
  succeeded: number;
  failed: number;
  upstreamFailed: number;
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  costUsd: number;
  baselineCostUsd: number;
  routingSavedUsd: number;
  subscriptionValueUsd: number;
  cacheHits: number;
  cacheMisses: number;
  cacheSavedUsd: number;
  compressionTokensBefore: number;
  compressionTokensAfter: number;
}

/**
 * Rollup rows summed per chart bucket, provider, model (compression is priced per model) and tier.
 * Rollup hours are UTC hours; in a time zone offset by half an hour, each hour counts in the bucket
 * it starts in.
 */
async function loadBucketRows(db: Database, window: StatsWindow): Promise<BucketRow[]> {
  // date_part and float8 sums: extract() and sums of bigint are numeric, several times slower on PGlite.
  const bucket = sql`floor((date_part('epoch', ${requestRollup.hour}) * 1000 - ${window.since.getTime()}) / ${window.stepMs})::int`;
  const r = requestRollup;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${bucket} as bucket, ${r.provider} as provider, ${r.model} as model, ${r.tier} as tier,
        sum(${r.requests}) as requests, sum(${r.succeeded}) as succeeded, sum(${r.failed}) as failed,
        sum(${r.upstreamFailed}) as upstream_failed, sum(${r.tokensIn}::float8) as tokens_in, sum(${r.tokensOut}::float8) as tokens_out, sum(${r.cachedTokens}::float8) as cached_tokens,
        sum(${r.costUsd}) as cost, sum(${r.baselineCostUsd}) as baseline, sum(${r.routingSavedUsd}) as routing_saved,
        sum(${r.subscriptionValueUsd}) as subscription, sum(${r.cacheHits}) as cache_hits, sum(${r.cacheMisses}) as cache_misses,
        sum(${r.cacheSavedUsd}) as cache_saved, sum(${r.compressionTokensBefore}::float8) as compression_before,
        sum(${r.compressionTokensAfter}::float8) as compression_after
      from ${r} where ${rollupBetween(window.since, window.until)}
      group by 1, 2, 3, 4`),
  );
  return rows.map((row) => ({
    bucket: numberOf(row.bucket),
    provider: String(row.provider ?? ""),
    model: String(row.model ?? ""),
    tier: String(row.tier ?? ""),
    requests: numberOf(row.requests),
    succeeded: numberOf(row.succeeded),
    failed: numberOf(row.failed),
    upstreamFailed: numberOf(row.upstream_failed),
    tokensIn: numberOf(row.tokens_in),
    tokensOut: numberOf(row.tokens_out),
    cachedTokens: numberOf(row.cached_tokens),
    costUsd: numberOf(row.cost),
    baselineCostUsd: numberOf(row.baseline),
    routingSavedUsd: numberOf(row.routing_saved),
    subscriptionValueUsd: numberOf(row.subscription),
    cacheHits: numberOf(row.cache_hits),
    cacheMisses: numberOf(row.cache_misses),
    cacheSavedUsd: numberOf(row.cache_saved),
    compressionTokensBefore: numberOf(row.compression_before),
    compressionTokensAfter: numberOf(row.compression_after),
  }));
}

async function loadRatings(db: Database, since: Date, until: Date) {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select count(*) filter (where ${feedback.rating} > 0) as good, count(*) filter (where ${feedback.rating} < 0) as bad
      from ${feedback} where ${feedback.createdAt} >= ${iso(since)}::timestamptz and ${feedback.createdAt} <= ${iso(until)}::timestamptz`),
  );
  return { feedbackGood: numberOf(rows[0]?.good), feedbackBad: numberOf(rows[0]?.bad) };
}
