import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { numberOf, rowsOf } from "../rows-of";
import { requestRollup } from "../schema";
import { rollupBetween } from "./rollup-helpers";

/**
 * The providers page's figures, from the hourly rollup. Requests, successes, failures and mean
 * latency are the model's own: calls that reached its provider. The response cache's hits (a
 * replay, a millisecond or two) are counted apart.
 */
export interface ModelUsage {
  provider: string;
  model: string;
  /** Calls to the provider: every request it served but the cache's hits. */
  requests: number;
  succeeded: number;
  /** Calls that did not end in a 200, but for a client that left or the proxy's shutdown: an upstream 404 too. */
  failed: number;
  cacheHits: number;
  costUsd: number;
  /** Over the successful calls. */
  meanLatencyMs: number | null;
}

/** Calls, failures, cache hits, cost and mean latency per provider and model since a date. */
export async function loadModelUsage(db: Database, since: Date, until: Date): Promise<ModelUsage[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${requestRollup.provider} as provider, ${requestRollup.model} as model,
        sum(${requestRollup.requests} - ${requestRollup.cacheHits}) as requests, sum(${requestRollup.cacheHits}) as cache_hits,
        sum(${requestRollup.upstreamSucceeded}) as succeeded, sum(${requestRollup.upstreamFailed}) as failed, sum(${requestRollup.costUsd}) as cost,
        sum(${requestRollup.upstreamLatencyMsSum}::float8) as latency_sum
      from ${requestRollup} where ${rollupBetween(since, until)} and ${requestRollup.provider} <> ''
      group by 1, 2 order by sum(${requestRollup.requests}) desc`),
  );
  return rows.map((row) => {
    const succeeded = numberOf(row.succeeded);
    return {
      provider: String(row.provider),
      model: String(row.model),
      requests: numberOf(row.requests),
      succeeded,
      failed: numberOf(row.failed),
      cacheHits: numberOf(row.cache_hits),
      costUsd: numberOf(row.cost),
      meanLatencyMs: succeeded > 0 ? numberOf(row.latency_sum) / succeeded : null,
    };
  });
}
