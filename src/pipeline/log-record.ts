import type { RequestLogRow } from "../db/schema";
import { storedText } from "../db/stored-text";
import type { CatalogEntry } from "../catalog/catalog-entry";
import { modelKey } from "../catalog/model-key";
import { costUsd } from "../catalog/request-cost";
import { candidateKey } from "../routing/candidate";
import type { PipelineContext } from "./context";
import type { Outcome } from "./outcome";
import { storableOutcome } from "./storable-outcome";

/** Cut without splitting a character, NUL and lone surrogates out: a client's odd model name or user agent must not cost the row. */
const text = (value: string, limit: number) => storedText(value, limit);

/**
 * The request-log row for one finished request. Holds sizes, counts and decisions, never prompt text
 * or keys. `elapsedMs` is the request's whole time, read once by the caller (request-report.ts).
 */
export function buildLogRow(context: PipelineContext, outcome: Outcome, baseline: CatalogEntry | undefined, redact: (text: string) => string, elapsedMs: number): RequestLogRow {
  const served = context.served;
  const usage = outcome.usage;
  const hit = context.cache?.hit;
  // Moves to a next candidate: every attempt but the last (a request whose only try failed moved nowhere).
  const fallbacks = Math.max(0, context.attempts.length - 1);
  // What the client wrote (its User-Agent, model name, user field, and the route reason quoting the
  // name) is redacted like the error text: a key pasted into any of them must not reach the dashboard.
  const clientText = (value: string, limit: number) => text(redact(value), limit);
  const servedModel = context.localAnswer?.model ?? hit?.model ?? served?.model ?? null;
  return {
    taskId: context.taskId,
    createdAt: context.receivedAt,
    door: context.door,
    userAgent: context.userAgent ? clientText(context.userAgent, 300) : null,
    requestedModel: clientText(context.requestedModel ?? context.request.model, 200),
    provider: context.localAnswer?.provider ?? hit?.provider ?? served?.provider.id ?? null,
    model: servedModel === null ? null : redact(servedModel),
    stream: Boolean(context.request.stream),
    status: outcome.status,
    errorType: outcome.errorType ?? null,
    errorMessage: outcome.errorMessage ? text(redact(outcome.errorMessage), 1000) : null,
    finishReason: outcome.finishReason ?? null,
    tokensIn: usage?.tokensIn ?? 0,
    tokensOut: usage?.tokensOut ?? 0,
    cachedTokens: usage?.cachedTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    costUsd: context.localAnswer ? 0 : costUsd(served?.entry, usage),
    usageEstimated: outcome.usageEstimated ?? false,
    latencyMs: Math.round(elapsedMs),
    ttftMs: outcome.ttftMs ?? null,
    promptBytes: context.promptBytes,
    messageCount: context.request.messages.length,
    tier: context.route?.tier ?? null,
    score: context.classification?.score ?? null,
    category: context.localAnswer ? "feedback" : (context.classification?.category ?? null),
    routeReason: context.route ? clientText(context.route.reason, 500) : null,
    candidates: context.route?.candidates.map((candidate) => redact(candidateKey(candidate))) ?? null,
    attempts: context.attempts.length > 0 ? context.attempts.map((attempt) => ({ ...attempt, model: redact(attempt.model) })) : null,
    fallbacks,
    baselineModel: baseline ? modelKey(baseline.provider, baseline.model) : null,
    // Only the proxy's choice (the router's, or a budget downgrade's) saves against the baseline: a model the client named was its own
    // choice, and a hit saved what its answer cost (cache_saved_usd), nothing more by routing.
    // At its list price: a baseline a subscription pays for (the Claude CLI's) would cost $0 and turn every saving negative.
    baselineCostUsd: baseline && usage && context.route?.routed && !context.localAnswer && !hit ? costUsd(baseline.listPrice ?? baseline, usage) : null,
    subscriptionValueUsd: served?.entry.listPrice && usage && !context.localAnswer && !hit ? costUsd(served.entry.listPrice, usage) : null,
    sessionKey: clientText(context.sessionKey, 300),
    cacheStatus: context.cache?.status ?? null,
    cacheSavedUsd: hit?.savedUsd ?? null,
    cacheKey: cacheEntryKey(context, outcome),
    compressionTokensBefore: context.compression?.tokensBefore ?? null,
    compressionTokensAfter: context.compression?.tokensAfter ?? null,
  };
}

/** The cache entry holding this request's answer: the one a hit came from, or the one a storable answer goes into. */
function cacheEntryKey(context: PipelineContext, outcome: Outcome): string | null {
  const cache = context.cache;
  if (cache?.entry) return outcome.status === 200 ? cache.entry.key : null;
  return cache?.storeKey && storableOutcome(context, outcome) ? cache.storeKey : null;
}
