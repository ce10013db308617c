ALTER TABLE "request_rollup" ADD COLUMN "subscription_value_usd" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "cache_hits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "cache_misses" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "cache_saved_usd" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "compression_tokens_before" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "compression_tokens_after" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The rollups also sum what a subscription covered, the response cache's hits, misses and savings,
-- and compression's prompt tokens before and after (priced per model when the dashboard reads them).
-- Routing's saving becomes baseline - cost - subscription value: a request a subscription paid for
-- costs 0, and only the gap between the baseline and its model's list price is routing's doing.
-- Same upserts as 0002 otherwise; request_rollup_apply (0003) still skips retention's deletes.
CREATE OR REPLACE FUNCTION "request_rollup_statements"("source" text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $fn$
SELECT array[
  format($sql$
    INSERT INTO request_rollup AS r (hour, provider, model, tier, requests, succeeded, failed, tokens_in, tokens_out,
      cached_tokens, cost_usd, baseline_cost_usd, routing_saved_usd, latency_ms_sum, subscription_value_usd,
      cache_hits, cache_misses, cache_saved_usd, compression_tokens_before, compression_tokens_after)
    SELECT date_trunc('hour', created_at, 'UTC'), coalesce(provider, ''), coalesce(model, ''), coalesce(tier, ''),
      $1 * count(*), $1 * count(*) FILTER (WHERE status = 200), $1 * count(*) FILTER (WHERE status >= 500 OR status = 429),
      $1 * sum(tokens_in), $1 * sum(tokens_out), $1 * sum(cached_tokens), $1 * sum(cost_usd),
      $1 * coalesce(sum(baseline_cost_usd), 0),
      $1 * coalesce(sum(baseline_cost_usd - cost_usd - coalesce(subscription_value_usd, 0)), 0),
      $1 * coalesce(sum(latency_ms) FILTER (WHERE status = 200), 0),
      $1 * coalesce(sum(subscription_value_usd), 0),
      $1 * count(*) FILTER (WHERE cache_status = 'hit'), $1 * count(*) FILTER (WHERE cache_status = 'miss'),
      $1 * coalesce(sum(cache_saved_usd) FILTER (WHERE cache_status = 'hit'), 0),
      $1 * coalesce(sum(compression_tokens_before) FILTER (WHERE status = 200 AND compression_tokens_after IS NOT NULL), 0),
      $1 * coalesce(sum(compression_tokens_after) FILTER (WHERE status = 200 AND compression_tokens_before IS NOT NULL), 0)
    FROM %I GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (hour, provider, model, tier) DO UPDATE SET requests = r.requests + excluded.requests,
      succeeded = r.succeeded + excluded.succeeded, failed = r.failed + excluded.failed,
      tokens_in = r.tokens_in + excluded.tokens_in, tokens_out = r.tokens_out + excluded.tokens_out,
      cached_tokens = r.cached_tokens + excluded.cached_tokens, cost_usd = r.cost_usd + excluded.cost_usd,
      baseline_cost_usd = r.baseline_cost_usd + excluded.baseline_cost_usd,
      routing_saved_usd = r.routing_saved_usd + excluded.routing_saved_usd,
      latency_ms_sum = r.latency_ms_sum + excluded.latency_ms_sum,
      subscription_value_usd = r.subscription_value_usd + excluded.subscription_value_usd,
      cache_hits = r.cache_hits + excluded.cache_hits, cache_misses = r.cache_misses + excluded.cache_misses,
      cache_saved_usd = r.cache_saved_usd + excluded.cache_saved_usd,
      compression_tokens_before = r.compression_tokens_before + excluded.compression_tokens_before,
      compression_tokens_after = r.compression_tokens_after + excluded.compression_tokens_after
  $sql$, "source")
] || (
  SELECT array_agg(format($sql$
    INSERT INTO %2$I AS l (%3$I, kind, slot, count)
    SELECT period, kind, slot, $1 * count(*) FROM (
      SELECT date_trunc(%4$L, created_at, 'UTC') AS period, 'latency' AS kind, floor(log(greatest(latency_ms, 1)::float8) * 20)::smallint AS slot
      FROM %1$I WHERE status = 200
      UNION ALL
      SELECT date_trunc(%4$L, created_at, 'UTC'), 'ttft', floor(log(greatest(ttft_ms, 1)::float8) * 20)::smallint
      FROM %1$I WHERE status = 200 AND ttft_ms IS NOT NULL
    ) AS samples GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (%3$I, kind, slot) DO UPDATE SET count = l.count + excluded.count
  $sql$, "source", target.name, target.period, target.period))
  FROM (VALUES ('request_latency_rollup', 'hour'), ('request_latency_rollup_daily', 'day')) AS target(name, period)
);
$fn$;
--> statement-breakpoint
-- The rows still in request_log fill the new sums of their hours (rows retention already pruned
-- predate these columns' use, or nearly: their share is lost), and take the subscription's share
-- out of routing's saving.
UPDATE request_rollup AS r SET
  subscription_value_usd = s.subscription_value_usd,
  routing_saved_usd = r.routing_saved_usd - s.subscription_with_baseline,
  cache_hits = s.cache_hits, cache_misses = s.cache_misses, cache_saved_usd = s.cache_saved_usd,
  compression_tokens_before = s.compression_tokens_before, compression_tokens_after = s.compression_tokens_after
FROM (
  SELECT date_trunc('hour', created_at, 'UTC') AS hour, coalesce(provider, '') AS provider, coalesce(model, '') AS model, coalesce(tier, '') AS tier,
    coalesce(sum(subscription_value_usd), 0) AS subscription_value_usd,
    coalesce(sum(subscription_value_usd) FILTER (WHERE baseline_cost_usd IS NOT NULL), 0) AS subscription_with_baseline,
    count(*) FILTER (WHERE cache_status = 'hit') AS cache_hits, count(*) FILTER (WHERE cache_status = 'miss') AS cache_misses,
    coalesce(sum(cache_saved_usd) FILTER (WHERE cache_status = 'hit'), 0) AS cache_saved_usd,
    coalesce(sum(compression_tokens_before) FILTER (WHERE status = 200 AND compression_tokens_after IS NOT NULL), 0) AS compression_tokens_before,
    coalesce(sum(compression_tokens_after) FILTER (WHERE status = 200 AND compression_tokens_before IS NOT NULL), 0) AS compression_tokens_after
  FROM request_log
  WHERE subscription_value_usd IS NOT NULL OR cache_status IS NOT NULL OR compression_tokens_before IS NOT NULL
  GROUP BY 1, 2, 3, 4
) AS s
WHERE r.hour = s.hour AND r.provider = s.provider AND r.model = s.model AND r.tier = s.tier;
