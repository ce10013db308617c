-- The response cache's key sync (src/cache/response-cache.ts) looked 2 s back past its last look,
-- in case a write had committed late, so every key was read about three times; and a write that
-- took longer than that to commit was never seen by other instances. Each row now carries its
-- writing transaction's id, and each look asks for the rows written by transactions its last look
-- could not see yet (its snapshot: pg_visible_in_snapshot), found through this column's index, which
-- replaces created_at's (the sync was its only reader).
DROP INDEX "response_cache_created_at_idx";--> statement-breakpoint
ALTER TABLE "response_cache" ADD COLUMN "written_xid" bigint DEFAULT (pg_current_xact_id()::text::bigint) NOT NULL;--> statement-breakpoint
CREATE INDEX "response_cache_written_xid_idx" ON "response_cache" USING btree ("written_xid");