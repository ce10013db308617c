CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"rating" smallint NOT NULL,
	"comment" text,
	"source" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "tier" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "score" double precision;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "route_reason" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "candidates" jsonb;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "attempts" jsonb;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "fallbacks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "baseline_model" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "baseline_cost_usd" double precision;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "session_key" text;--> statement-breakpoint
CREATE INDEX "feedback_task_idx" ON "feedback" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "request_log_session_idx" ON "request_log" USING btree ("session_key","created_at");