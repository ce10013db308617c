-- The response cache's table skips the write-ahead log on a database server: each answer written is
-- then cheaper for the server (no WAL record for the row and its three index entries). The price: a
-- crash of the database server or of its machine (not a clean stop, and not a crash of the proxy,
-- after which the embedded server still stops cleanly) empties the table, so later requests miss
-- until answers are cached again. A standby server has no copy of it. PGlite runs inside the proxy's
-- own process, where a crash of the proxy is a crash of the database: there the table stays logged,
-- so a kill -9 of the proxy never costs the cache more than its unwritten batch.
DO $$
BEGIN
  IF version() NOT LIKE '%emscripten%' THEN
    ALTER TABLE "response_cache" SET UNLOGGED;
  END IF;
END
$$;
