import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

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
    /** Tokens and cost are partly estimated: the client left mid-stream before the upstream's usage arrived. */
    usageEstimated: boolean("usage_estimated").notNull().default(false),
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
    /** The response cache's verdict ("hit", "miss", "bypass"); null when the cache is off or was not reached. */
    cacheStatus: text("cache_status"),
    /** On a hit: what the cached answer cost when it was made, saved this time. */
    cacheSavedUsd: doublePrecision("cache_saved_usd"),
    /**
     * The response-cache entry holding this answer: the one a hit was served from, or the one a
     * miss's answer was stored under. A bad rating evicts it (feedback-service.ts).
     */
    cacheKey: text("cache_key"),
    /** Estimated prompt tokens before and after lossless compression; null when it did not run. */
    compressionTokensBefore: integer("compression_tokens_before"),
    compressionTokensAfter: integer("compression_tokens_after"),
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
    /**
     * The rated request's time, tier and provider, filled from request_log by a trigger when the
     * rating is stored (migration 0012), so the tiers' ratings are counted without a join.
     */
    requestCreatedAt: timestamp("request_created_at", { withTimezone: true }),
    requestTier: text("request_tier"),
    requestProvider: text("request_provider"),
  },
  (table) => [
    index("feedback_task_idx").on(table.taskId),
    index("feedback_created_at_idx").on(table.createdAt),
    index("feedback_request_created_at_idx").on(table.requestCreatedAt),
  ],
);

export type FeedbackRow = typeof feedback.$inferInsert;

/**
 * The request log summed per hour, provider, model and tier, so the dashboard's overview reads a few
 * thousand rows instead of a million. Kept up to date by statement triggers on request_log (see
 * migration 0002), whoever writes the rows; '' stands for "none" in the key columns.
 */
export const requestRollup = pgTable(
  "request_rollup",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    tier: text("tier").notNull(),
    requests: integer("requests").notNull(),
    succeeded: integer("succeeded").notNull(),
    /** 5xx and 429 answers. */
    failed: integer("failed").notNull(),
    tokensIn: bigint("tokens_in", { mode: "number" }).notNull(),
    tokensOut: bigint("tokens_out", { mode: "number" }).notNull(),
    cachedTokens: bigint("cached_tokens", { mode: "number" }).notNull(),
    costUsd: doublePrecision("cost_usd").notNull(),
    baselineCostUsd: doublePrecision("baseline_cost_usd").notNull(),
    /**
     * Baseline cost minus cost minus what a subscription covered, over the rows that have a
     * baseline: what choosing a cheaper model saved (migration 0006; before it, without the
     * subscription's share).
     */
    routingSavedUsd: doublePrecision("routing_saved_usd").notNull(),
    /** Sum of the latencies of successful requests, for means per provider and model. */
    latencyMsSum: bigint("latency_ms_sum", { mode: "number" }).notNull(),
    /** What a flat subscription paid for, at the API's list price (subscription_value_usd). */
    subscriptionValueUsd: doublePrecision("subscription_value_usd").notNull().default(0),
    /** Response-cache lookups that hit and that missed (bypasses are neither), and what the hits saved. */
    cacheHits: integer("cache_hits").notNull().default(0),
    cacheMisses: integer("cache_misses").notNull().default(0),
    cacheSavedUsd: doublePrecision("cache_saved_usd").notNull().default(0),
    /** Estimated prompt tokens before and after compression, over the requests it ran on (priced per model when read). */
    compressionTokensBefore: bigint("compression_tokens_before", { mode: "number" }).notNull().default(0),
    compressionTokensAfter: bigint("compression_tokens_after", { mode: "number" }).notNull().default(0),
    /** Requests whose client asked for model `auto` (migration 0012). */
    autoRequests: integer("auto_requests").notNull().default(0),
    /**
     * Answers from the upstream itself, cache hits left out (migration 0012): 200s, failures (any
     * other status but a client's leaving or the proxy's shutdown, so a model's 404 too) and the
     * 200s' summed latency.
     */
    upstreamSucceeded: integer("upstream_succeeded").notNull().default(0),
    upstreamFailed: integer("upstream_failed").notNull().default(0),
    upstreamLatencyMsSum: bigint("upstream_latency_ms_sum", { mode: "number" }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.hour, table.provider, table.model, table.tier] })],
);

/**
 * Latency and time-to-first-token of successful requests as a histogram per hour: slot s holds
 * values in [10^(s/20), 10^((s+1)/20)) ms, 20 slots per decade (12% wide), from which percentiles
 * are estimated. Kept up to date by the same triggers as request_rollup.
 */
export const latencyRollup = pgTable(
  "request_latency_rollup",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    /** "latency" or "ttft". */
    kind: text("kind").notNull(),
    slot: smallint("slot").notNull(),
    count: integer("count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.hour, table.kind, table.slot] })],
);

/**
 * The same histogram per UTC day. A window's percentiles need no time buckets, so whole days come
 * from here and only the window's ragged ends from the hourly table: a 30-day overview reads about
 * a fifth of the rows.
 */
export const latencyRollupDaily = pgTable(
  "request_latency_rollup_daily",
  {
    day: timestamp("day", { withTimezone: true }).notNull(),
    kind: text("kind").notNull(),
    slot: smallint("slot").notNull(),
    count: integer("count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.day, table.kind, table.slot] })],
);

/**
 * Complete answers of the response cache, shared by every proxy instance on the database. `key` is
 * the fast hash of the request's cache view, `digest` its SHA-256 that a hit must match (see
 * src/cache/request-key.ts); `body` the answer as one chat completion, JSON.
 */
export const responseCache = pgTable(
  "response_cache",
  {
    key: text("key").primaryKey(),
    digest: text("digest").notNull(),
    /** Set by the database on every write. */
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /**
     * The writing transaction's id (`pg_current_xact_id()`, as a number), set on every write, so
     * instances pick up each other's new keys exactly: those not yet committed at their last look.
     */
    writtenXid: bigint("written_xid", { mode: "number" }).notNull().default(sql`(pg_current_xact_id()::text::bigint)`),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    /** What the answer cost when it was made: what each hit saves. */
    costUsd: doublePrecision("cost_usd").notNull(),
    bytes: integer("bytes").notNull(),
    body: text("body").notNull(),
  },
  (table) => [index("response_cache_written_xid_idx").on(table.writtenXid), index("response_cache_expires_at_idx").on(table.expiresAt)],
);

/**
 * Spending limits in USD: scope "global" or a provider id, period "daily" or "monthly". A null
 * limit is a budget removed through the API (kept so the config value does not bring it back);
 * `config_usd` is the configuration's value last applied, so a changed config wins over an edit.
 */
export const budgetLimit = pgTable(
  "budget_limit",
  {
    scope: text("scope").notNull(),
    period: text("period").notNull(),
    limitUsd: doublePrecision("limit_usd"),
    configUsd: doublePrecision("config_usd"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.period] })],
);

/** What was spent per scope and period (periods start at midnight, or the 1st, in BUDGET_TIME_ZONE). */
export const budgetSpend = pgTable(
  "budget_spend",
  {
    scope: text("scope").notNull(),
    period: text("period").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    spentUsd: doublePrecision("spent_usd").notNull(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.period, table.periodStart] })],
);

/**
 * The worst-case cost of a request in flight, held against the budgets of each scope it may be
 * charged to until the request ends. An instance renews the leases of its own; a crashed one's
 * expire at `expires_at`.
 */
export const budgetReservation = pgTable(
  "budget_reservation",
  {
    id: uuid("id").notNull(),
    scope: text("scope").notNull(),
    amountUsd: doublePrecision("amount_usd").notNull(),
    dayStart: timestamp("day_start", { withTimezone: true }).notNull(),
    monthStart: timestamp("month_start", { withTimezone: true }).notNull(),
    instanceId: uuid("instance_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.id, table.scope] }), index("budget_reservation_scope_idx").on(table.scope, table.expiresAt), index("budget_reservation_instance_idx").on(table.instanceId)],
);
