CREATE TABLE "request_log" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"door" text NOT NULL,
	"user_agent" text,
	"requested_model" text NOT NULL,
	"provider" text,
	"model" text,
	"stream" boolean NOT NULL,
	"status" integer NOT NULL,
	"error_type" text,
	"error_message" text,
	"finish_reason" text,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"cached_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"latency_ms" integer NOT NULL,
	"ttft_ms" integer,
	"prompt_bytes" integer NOT NULL,
	"message_count" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "request_log_created_at_idx" ON "request_log" USING btree ("created_at");