import { boolean, doublePrecision, index, integer, jsonb, pgTable, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";

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
    // Routing: what was decided and why, so savings and decisions can be shown later.
    tier: text("tier"),
    score: doublePrecision("score"),
    category: text("category"),
    routeReason: text("route_reason"),
    candidates: jsonb("candidates").$type<string[]>(),
    attempts: jsonb("attempts").$type<Array<{ provider: string; model: string; error?: string }>>(),
    fallbacks: integer("fallbacks").notNull().default(0),
    baselineModel: text("baseline_model"),
    baselineCostUsd: doublePrecision("baseline_cost_usd"),
    /** For a request a flat subscription paid for (cost 0): what its tokens would have cost at the API's list price. */
    subscriptionValueUsd: doublePrecision("subscription_value_usd"),
    /** Identifies the conversation (user field, x-session-id, or a fingerprint of its opening) for /feedback. */
    sessionKey: text("session_key"),
  },
  (table) => [
    index("request_log_created_at_idx").on(table.createdAt),
    index("request_log_session_idx").on(table.sessionKey, table.createdAt),
  ],
);

export type RequestLogRow = typeof requestLog.$inferInsert;

/** Ratings users give to answers, by /feedback in chat or POST /v1/feedback. */
export const feedback = pgTable(
  "feedback",
  {
    id: uuid("id").primaryKey(),
    taskId: uuid("task_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** +1 good, -1 bad. */
    rating: smallint("rating").notNull(),
    comment: text("comment"),
    source: text("source").notNull(),
  },
  (table) => [index("feedback_task_idx").on(table.taskId)],
);

export type FeedbackRow = typeof feedback.$inferInsert;
