CREATE TABLE "request_latency_rollup" (
	"hour" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"slot" smallint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "request_latency_rollup_hour_kind_slot_pk" PRIMARY KEY("hour","kind","slot")
);
--> statement-breakpoint
CREATE TABLE "request_latency_rollup_daily" (
	"day" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"slot" smallint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "request_latency_rollup_daily_day_kind_slot_pk" PRIMARY KEY("day","kind","slot")
);
--> statement-breakpoint
CREATE TABLE "request_rollup" (
	"hour" timestamp with time zone NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"tier" text NOT NULL,
	"requests" integer NOT NULL,
	"succeeded" integer NOT NULL,
	"failed" integer NOT NULL,
	"tokens_in" bigint NOT NULL,
	"tokens_out" bigint NOT NULL,
	"cached_tokens" bigint NOT NULL,
	"cost_usd" double precision NOT NULL,
	"baseline_cost_usd" double precision NOT NULL,
	"routing_saved_usd" double precision NOT NULL,
	"latency_ms_sum" bigint NOT NULL,
	CONSTRAINT "request_rollup_hour_provider_model_tier_pk" PRIMARY KEY("hour","provider","model","tier")
);
--> statement-breakpoint
CREATE INDEX "feedback_created_at_idx" ON "feedback" USING btree ("created_at");--> statement-breakpoint
-- The rollups are kept up to date by statement triggers on request_log (one aggregate per batch
-- the log writer inserts, whoever inserts), and filled once from the rows already logged.
-- request_rollup_statements(source) builds the upserts for a table of request-log rows
-- ($1 is +1 to add them, -1 to remove them).
CREATE FUNCTION "request_rollup_statements"("source" text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $fn$
SELECT array[
  format($sql$
    INSERT INTO request_rollup AS r (hour, provider, model, tier, requests, succeeded, failed, tokens_in, tokens_out,
      cached_tokens, cost_usd, baseline_cost_usd, routing_saved_usd, latency_ms_sum)
    SELECT date_trunc('hour', created_at, 'UTC'), coalesce(provider, ''), coalesce(model, ''), coalesce(tier, ''),
      $1 * count(*), $1 * count(*) FILTER (WHERE status = 200), $1 * count(*) FILTER (WHERE status >= 500 OR status = 429),
      $1 * sum(tokens_in), $1 * sum(tokens_out), $1 * sum(cached_tokens), $1 * sum(cost_usd),
      $1 * coalesce(sum(baseline_cost_usd), 0), $1 * coalesce(sum(baseline_cost_usd - cost_usd), 0),
      $1 * coalesce(sum(latency_ms) FILTER (WHERE status = 200), 0)
    FROM %I GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (hour, provider, model, tier) DO UPDATE SET requests = r.requests + excluded.requests,
      succeeded = r.succeeded + excluded.succeeded, failed = r.failed + excluded.failed,
      tokens_in = r.tokens_in + excluded.tokens_in, tokens_out = r.tokens_out + excluded.tokens_out,
      cached_tokens = r.cached_tokens + excluded.cached_tokens, cost_usd = r.cost_usd + excluded.cost_usd,
      baseline_cost_usd = r.baseline_cost_usd + excluded.baseline_cost_usd,
      routing_saved_usd = r.routing_saved_usd + excluded.routing_saved_usd,
      latency_ms_sum = r.latency_ms_sum + excluded.latency_ms_sum
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
CREATE FUNCTION "request_rollup_apply"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  statement text;
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    FOREACH statement IN ARRAY request_rollup_statements('old_rows') LOOP EXECUTE statement USING -1; END LOOP;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    FOREACH statement IN ARRAY request_rollup_statements('new_rows') LOOP EXECUTE statement USING 1; END LOOP;
  END IF;
  RETURN NULL;
END;
$fn$;
--> statement-breakpoint
CREATE TRIGGER "request_log_rollup_insert" AFTER INSERT ON "request_log" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION request_rollup_apply();
--> statement-breakpoint
CREATE TRIGGER "request_log_rollup_delete" AFTER DELETE ON "request_log" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION request_rollup_apply();
--> statement-breakpoint
CREATE TRIGGER "request_log_rollup_update" AFTER UPDATE ON "request_log" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION request_rollup_apply();
--> statement-breakpoint
DO $fn$
DECLARE
  statement text;
BEGIN
  FOREACH statement IN ARRAY request_rollup_statements('request_log') LOOP EXECUTE statement USING 1; END LOOP;
END;
$fn$;
