-- A bad rating evicts the rated answer from the response cache (src/feedback/feedback-service.ts):
-- each row names the cache entry its answer is in (a hit's, or a stored miss's), so a rating given
-- through any instance, or after a restart, finds it. Nullable, no default: instant on a large table.
ALTER TABLE "request_log" ADD COLUMN "cache_key" text;
