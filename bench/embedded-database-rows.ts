import type { RequestLogRow } from "../src/db/schema";

/** A request-log row shaped like the proxy's own (routing decision, cache verdict, usage). */
export function benchRow(): RequestLogRow {
  return {
    taskId: crypto.randomUUID(),
    createdAt: new Date(),
    door: "openai",
    userAgent: "OpenAI/JS 7.57.0",
    requestedModel: "gpt-4o-mini",
    provider: "openai",
    model: "gpt-4o-mini",
    stream: Math.random() < 0.5,
    status: 200,
    finishReason: "stop",
    tokensIn: 412,
    tokensOut: 57,
    costUsd: 0.0000961,
    latencyMs: 8,
    ttftMs: 3,
    promptBytes: 1_840,
    messageCount: 3,
    tier: "standard",
    score: 0.42,
    category: "explain",
    routeReason: "cheapest capable model for tier standard",
    candidates: ["openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"],
    attempts: [{ provider: "openai", model: "gpt-4o-mini" }],
    baselineModel: "gpt-4o",
    baselineCostUsd: 0.0016,
    cacheStatus: "miss",
    compressionTokensBefore: 430,
    compressionTokensAfter: 412,
  };
}

/** Between bench/embedded-database-option.ts and its PGlite worker. */
export type WorkerMessage =
  | { type: "open"; dataDir: string }
  | { type: "ready" }
  | { type: "rows"; rows: RequestLogRow[] }
  | { type: "close" }
  | { type: "closed"; written: number }
  | { type: "failed"; message: string };
