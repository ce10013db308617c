CREATE TABLE "budget_limit" (
	"scope" text NOT NULL,
	"period" text NOT NULL,
	"limit_usd" double precision,
	"config_usd" double precision,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "budget_limit_scope_period_pk" PRIMARY KEY("scope","period")
);
--> statement-breakpoint
CREATE TABLE "budget_reservation" (
	"id" uuid NOT NULL,
	"scope" text NOT NULL,
	"amount_usd" double precision NOT NULL,
	"day_start" timestamp with time zone NOT NULL,
	"month_start" timestamp with time zone NOT NULL,
	"instance_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "budget_reservation_id_scope_pk" PRIMARY KEY("id","scope")
);
--> statement-breakpoint
CREATE TABLE "budget_spend" (
	"scope" text NOT NULL,
	"period" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"spent_usd" double precision NOT NULL,
	CONSTRAINT "budget_spend_scope_period_period_start_pk" PRIMARY KEY("scope","period","period_start")
);
--> statement-breakpoint
CREATE TABLE "response_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"digest" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"cost_usd" double precision NOT NULL,
	"bytes" integer NOT NULL,
	"body" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "cache_status" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "cache_saved_usd" double precision;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "compression_tokens_before" integer;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "compression_tokens_after" integer;--> statement-breakpoint
CREATE INDEX "budget_reservation_scope_idx" ON "budget_reservation" USING btree ("scope","expires_at");--> statement-breakpoint
CREATE INDEX "budget_reservation_instance_idx" ON "budget_reservation" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "response_cache_created_at_idx" ON "response_cache" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "response_cache_expires_at_idx" ON "response_cache" USING btree ("expires_at");--> statement-breakpoint
-- Budgets (src/budget/): every limit in its current period, with what is spent and what requests
-- in flight hold. Days and months start at midnight and on the 1st in the given time zone.
CREATE FUNCTION "budget_usage"("p_time_zone" text)
RETURNS TABLE("scope" text, "period" text, "limit_usd" double precision, "config_usd" double precision, "spent_usd" double precision,
  "reserved_usd" double precision, "period_start" timestamptz, "resets_at" timestamptz)
LANGUAGE sql STABLE AS $fn$
  WITH bounds AS (
    SELECT 'daily'::text AS period, date_trunc('day', now() AT TIME ZONE p_time_zone) AS local_start, interval '1 day' AS length
    UNION ALL
    SELECT 'monthly', date_trunc('month', now() AT TIME ZONE p_time_zone), interval '1 month'
  )
  SELECT l.scope, l.period, l.limit_usd, l.config_usd,
    coalesce((SELECT s.spent_usd FROM budget_spend s
      WHERE s.scope = l.scope AND s.period = l.period AND s.period_start = b.local_start AT TIME ZONE p_time_zone), 0),
    coalesce((SELECT sum(r.amount_usd) FROM budget_reservation r
      WHERE r.scope = l.scope AND r.expires_at > now()
        AND (CASE WHEN l.period = 'daily' THEN r.day_start ELSE r.month_start END) = b.local_start AT TIME ZONE p_time_zone), 0),
    b.local_start AT TIME ZONE p_time_zone,
    (b.local_start + b.length) AT TIME ZONE p_time_zone
  FROM budget_limit l JOIN bounds b ON b.period = l.period
$fn$;
--> statement-breakpoint
-- Reserves p_amounts[i] against every budget of p_scopes[i] ("global" or a provider) if each of
-- them still has room, all or nothing, and returns every limited budget with its usage after the
-- decision. The limits a reservation is checked against are locked first, in a fixed order:
-- concurrent reservations on any instance queue there, and the statement after the lock sees
-- every reservation committed before it (a single statement could not: its snapshot is older).
CREATE FUNCTION "budget_reserve"("p_id" uuid, "p_instance" uuid, "p_scopes" text[], "p_amounts" double precision[],
  "p_time_zone" text, "p_lease_seconds" integer)
RETURNS TABLE("granted" boolean, "scope" text, "period" text, "limit_usd" double precision, "spent_usd" double precision,
  "reserved_usd" double precision, "period_start" timestamptz, "resets_at" timestamptz, "day_start" timestamptz, "month_start" timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  v_day timestamptz := date_trunc('day', now() AT TIME ZONE p_time_zone) AT TIME ZONE p_time_zone;
  v_month timestamptz := date_trunc('month', now() AT TIME ZONE p_time_zone) AT TIME ZONE p_time_zone;
BEGIN
  -- A reservation lives for one request: waiting for its commit to reach the disk (milliseconds on
  -- a busy server) would cost every request more than a server crash could ever cost a budget.
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM 1 FROM budget_limit l WHERE l.scope = ANY(p_scopes) AND l.limit_usd IS NOT NULL ORDER BY l.scope, l.period FOR UPDATE;
  RETURN QUERY
    WITH usage AS (
      SELECT u.*, coalesce(a.amount, 0) AS amount
      FROM budget_usage(p_time_zone) u LEFT JOIN unnest(p_scopes, p_amounts) AS a(scope, amount) ON a.scope = u.scope
      WHERE u.limit_usd IS NOT NULL
    ),
    decision AS (
      SELECT coalesce(bool_and(u.spent_usd + u.reserved_usd + u.amount <= u.limit_usd + 1e-9) FILTER (WHERE u.amount > 0), true) AS granted FROM usage u
    ),
    inserted AS (
      INSERT INTO budget_reservation (id, scope, amount_usd, day_start, month_start, instance_id, expires_at)
      SELECT p_id, a.scope, a.amount, v_day, v_month, p_instance, now() + make_interval(secs => p_lease_seconds)
      FROM unnest(p_scopes, p_amounts) AS a(scope, amount), decision d WHERE d.granted AND a.amount > 0
      RETURNING 1
    )
    SELECT d.granted, u.scope, u.period, u.limit_usd, u.spent_usd, u.reserved_usd + CASE WHEN d.granted THEN u.amount ELSE 0 END,
      u.period_start, u.resets_at, v_day, v_month
    FROM usage u, decision d;
END
$fn$;
