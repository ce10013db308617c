-- The rollup trigger (0002, 0003) ran its three upserts with EXECUTE: PostgreSQL parsed and planned
-- them again for every insert into request_log, ~1 ms of the server's CPU per write, 5-10 times the
-- insert itself (bench/log-write-layers.ts). request_rollup_compile() writes the same statements
-- (still built by request_rollup_statements, the one place they are spelled) into the trigger
-- function as static SQL, which PL/pgSQL plans once per connection and then reuses. A migration
-- that changes request_rollup_statements must call request_rollup_compile() again.
CREATE OR REPLACE FUNCTION "request_rollup_compile"() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  removing text := array_to_string(request_rollup_statements('old_rows'), E';\n');
  adding text := array_to_string(request_rollup_statements('new_rows'), E';\n');
BEGIN
  -- $1 is the sign of the change (+1 adds the rows, -1 removes them): a constant in each branch.
  EXECUTE format($create$
    CREATE OR REPLACE FUNCTION "request_rollup_apply"() RETURNS trigger LANGUAGE plpgsql AS %L
  $create$, format($body$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('claude_proxy.pruning', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    %s;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    %s;
  END IF;
  RETURN NULL;
END;
$body$, replace(removing, '$1', '(-1)'), replace(adding, '$1', '(1)')));
END;
$fn$;
--> statement-breakpoint
SELECT request_rollup_compile();
