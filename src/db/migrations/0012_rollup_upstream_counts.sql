ALTER TABLE "request_rollup" ADD COLUMN "auto_requests" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "upstream_succeeded" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "upstream_failed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_rollup" ADD COLUMN "upstream_latency_ms_sum" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The rollups also count the requests whose client asked for model `auto` (GET /api/routing's tier
-- figures read them instead of scanning request_log), and the answers that came from an upstream,
-- not the response cache: succeeded, failed (any status but 200 except the client's and the proxy's
-- own endings: a model's 404 is its failure too) and the latency of the successes (the providers
-- page). A row with a provider was served by it (log-record.ts): refusals before any call have none.
-- Same upserts as 0006 otherwise; request_rollup_compile (0008) writes them into the trigger again.
CREATE OR REPLACE FUNCTION "request_rollup_statements"("source" text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $fn$
SELECT array[
  format($sql$
    INSERT INTO request_rollup AS r (hour, provider, model, tier, requests, succeeded, failed, tokens_in, tokens_out,
      cached_tokens, cost_usd, baseline_cost_usd, routing_saved_usd, latency_ms_sum, subscription_value_usd,
      cache_hits, cache_misses, cache_saved_usd, compression_tokens_before, compression_tokens_after,
      auto_requests, upstream_succeeded, upstream_failed, upstream_latency_ms_sum)
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
      $1 * coalesce(sum(compression_tokens_after) FILTER (WHERE status = 200 AND compression_tokens_before IS NOT NULL), 0),
      $1 * count(*) FILTER (WHERE lower(requested_model) = 'auto'),
      $1 * count(*) FILTER (WHERE status = 200 AND cache_status IS DISTINCT FROM 'hit'),
      $1 * count(*) FILTER (WHERE status <> 200 AND status <> 499 AND cache_status IS DISTINCT FROM 'hit'
        AND error_type IS DISTINCT FROM 'client_closed' AND error_type IS DISTINCT FROM 'shutting_down'),
      $1 * coalesce(sum(latency_ms) FILTER (WHERE status = 200 AND cache_status IS DISTINCT FROM 'hit'), 0)
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
      compression_tokens_after = r.compression_tokens_after + excluded.compression_tokens_after,
      auto_requests = r.auto_requests + excluded.auto_requests,
      upstream_succeeded = r.upstream_succeeded + excluded.upstream_succeeded,
      upstream_failed = r.upstream_failed + excluded.upstream_failed,
      upstream_latency_ms_sum = r.upstream_latency_ms_sum + excluded.upstream_latency_ms_sum
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
SELECT request_rollup_compile();
--> statement-breakpoint
-- Hours whose rows retention already pruned keep no detail: their upstream figures are taken as
-- the old ones less the cache's hits (hits were counted as successes with their latency), and
-- their `auto` count stays 0. The rows still in request_log then give their groups exact figures.
UPDATE request_rollup SET
  upstream_succeeded = greatest(succeeded - cache_hits, 0),
  upstream_failed = failed,
  upstream_latency_ms_sum = latency_ms_sum;
--> statement-breakpoint
UPDATE request_rollup AS r SET
  auto_requests = s.auto_requests, upstream_succeeded = s.upstream_succeeded,
  upstream_failed = s.upstream_failed, upstream_latency_ms_sum = s.upstream_latency_ms_sum
FROM (
  SELECT date_trunc('hour', created_at, 'UTC') AS hour, coalesce(provider, '') AS provider, coalesce(model, '') AS model, coalesce(tier, '') AS tier,
    count(*) FILTER (WHERE lower(requested_model) = 'auto') AS auto_requests,
    count(*) FILTER (WHERE status = 200 AND cache_status IS DISTINCT FROM 'hit') AS upstream_succeeded,
    count(*) FILTER (WHERE status <> 200 AND status <> 499 AND cache_status IS DISTINCT FROM 'hit'
      AND error_type IS DISTINCT FROM 'client_closed' AND error_type IS DISTINCT FROM 'shutting_down') AS upstream_failed,
    coalesce(sum(latency_ms) FILTER (WHERE status = 200 AND cache_status IS DISTINCT FROM 'hit'), 0) AS upstream_latency_ms_sum
  FROM request_log
  GROUP BY 1, 2, 3, 4
) AS s
WHERE r.hour = s.hour AND r.provider = s.provider AND r.model = s.model AND r.tier = s.tier;
--> statement-breakpoint
-- Each rating also keeps its request's time, tier and provider, copied from request_log when the
-- rating is stored (the request is always logged first: feedback-service.ts flushes the log), so
-- GET /api/routing counts the ratings of a window from feedback alone instead of looking every
-- rating's request up in request_log (~9,000 lookups, 150-200 ms on PGlite at a million rows).
-- A task's ratings share its request's time, so a window on that time keeps each task's latest one.
ALTER TABLE "feedback" ADD COLUMN "request_created_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "feedback" ADD COLUMN "request_tier" text;
--> statement-breakpoint
ALTER TABLE "feedback" ADD COLUMN "request_provider" text;
--> statement-breakpoint
CREATE INDEX "feedback_request_created_at_idx" ON "feedback" USING btree ("request_created_at");
--> statement-breakpoint
CREATE FUNCTION "feedback_request_fill"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT created_at, tier, provider INTO NEW.request_created_at, NEW.request_tier, NEW.request_provider
  FROM request_log WHERE task_id = NEW.task_id;
  RETURN NEW;
END;
$fn$;
--> statement-breakpoint
CREATE TRIGGER "feedback_request_fill" BEFORE INSERT ON "feedback" FOR EACH ROW EXECUTE FUNCTION feedback_request_fill();
--> statement-breakpoint
UPDATE feedback AS f SET request_created_at = l.created_at, request_tier = l.tier, request_provider = l.provider
FROM request_log AS l WHERE l.task_id = f.task_id;
