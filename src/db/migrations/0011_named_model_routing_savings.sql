-- Until now a request whose client named the model (route_reason 'requested …') was priced on the
-- baseline model too, and the dashboard counted the difference as saved by routing, though no
-- routing decision was made (src/pipeline/log-record.ts records none for it now). Clearing those
-- rows' baseline cost takes their share out of request_rollup through its update trigger; rows
-- retention already pruned keep theirs in the rollups.
UPDATE "request_log" SET "baseline_cost_usd" = NULL WHERE "baseline_cost_usd" IS NOT NULL AND "route_reason" LIKE 'requested %';
