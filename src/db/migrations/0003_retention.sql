-- Retention (LOG_RETENTION_DAYS) deletes old request_log rows, but the dashboard's rollups must keep
-- counting them: a delete made with the transaction-local setting claude_proxy.pruning = 'on'
-- leaves the rollups alone. Any other delete or update still keeps them in step.
CREATE OR REPLACE FUNCTION "request_rollup_apply"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  statement text;
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('claude_proxy.pruning', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    FOREACH statement IN ARRAY request_rollup_statements('old_rows') LOOP EXECUTE statement USING -1; END LOOP;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    FOREACH statement IN ARRAY request_rollup_statements('new_rows') LOOP EXECUTE statement USING 1; END LOOP;
  END IF;
  RETURN NULL;
END;
$fn$;
