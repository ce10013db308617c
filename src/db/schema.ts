import { boolean, doublePrecision, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** One row per request that reached the proxy, successful or not. Never holds prompts or keys. */
export const requestLog = pgTable(
  "request_log",
  {
    taskId: uuid("task_id").primaryKey(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    door: text("door").notNull(),
    userAgent: text("user_agent"),
    requestedModel: text("requested_model").notNull(),
    provider: text("provider"),
    model: text("model"),
    stream: boolean("stream").notNull(),
    status: integer("status").notNull(),
    errorType: text("error_type"),
    errorMessage: text("error_message"),
    finishReason: text("finish_reason"),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    cachedTokens: integer("cached_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    latencyMs: integer("latency_ms").notNull(),
    ttftMs: integer("ttft_ms"),
    promptBytes: integer("prompt_bytes").notNull(),
    messageCount: integer("message_count").notNull(),
  },
  (table) => [index("request_log_created_at_idx").on(table.createdAt)],
);

export type RequestLogRow = typeof requestLog.$inferInsert;
