import { sql } from "drizzle-orm";
import type { Database } from "../src/db/client";
import { type Range, statsWindow } from "../src/db/stats-window";

/**
 * The overview's figures computed straight from request_log, without the rollups: totals with exact
 * percentiles, and cost, requests and savings per bucket, provider and tier. Kept only to show what
 * the rollups save (bench/dashboard-seed.ts times both).
 */
export async function rawOverviewQuery(db: Database, range: Range): Promise<void> {
  const window = statsWindow(range);
  const since = window.since.toISOString();
  await db.execute(sql`
    select count(*), count(*) filter (where status = 200), count(*) filter (where status >= 500 or status = 429),
      sum(tokens_in), sum(tokens_out), sum(cached_tokens), sum(cost_usd), sum(baseline_cost_usd), sum(subscription_value_usd),
      count(*) filter (where cache_status = 'hit'), count(*) filter (where cache_status = 'miss'), sum(cache_saved_usd),
      percentile_cont(0.5) within group (order by latency_ms) filter (where status = 200),
      percentile_cont(0.95) within group (order by latency_ms) filter (where status = 200),
      percentile_cont(0.5) within group (order by ttft_ms) filter (where status = 200),
      percentile_cont(0.95) within group (order by ttft_ms) filter (where status = 200)
    from request_log where created_at >= ${since}::timestamptz`);
  await db.execute(sql`
    select floor(extract(epoch from (created_at - ${since}::timestamptz)) * 1000 / ${window.stepMs})::int, provider, model, tier,
      count(*), sum(cost_usd), sum(baseline_cost_usd - cost_usd - coalesce(subscription_value_usd, 0)), sum(subscription_value_usd),
      sum(cache_saved_usd), sum(compression_tokens_before - compression_tokens_after) filter (where status = 200)
    from request_log where created_at >= ${since}::timestamptz group by 1, 2, 3, 4`);
}
