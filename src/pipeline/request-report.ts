import type { CatalogEntry } from "../catalog/catalog-entry";
import type { RequestLogRow } from "../db/schema";
import type { PipelineContext, PipelineDeps } from "./context";
import { buildLogRow } from "./log-record";
import type { AddedTimeMeasure, Outcome } from "./outcome";

/**
 * The one place a finished request is reported: its log row to the request-log sink (which feeds
 * /metrics), the proxy's own added time to its histogram, and, with LOG_REQUESTS on (the
 * default), one JSON line at info level.
 *
 * Added time is the time the proxy itself took: for a completion, the request's whole time minus
 * the time spent waiting on upstreams; for a stream, the time to its first byte minus the wait for
 * the upstream's first chunk (what the proxy adds to the client's time to first byte).
 */
function addedTime(context: Pick<PipelineContext, "upstreamWaitMs">, outcome: Pick<Outcome, "firstByteMs">, elapsedMs: number): { addedMs: number; measure: AddedTimeMeasure } {
  if (outcome.firstByteMs !== undefined) return { addedMs: Math.max(0, outcome.firstByteMs - context.upstreamWaitMs), measure: "first_byte" };
  return { addedMs: Math.max(0, elapsedMs - context.upstreamWaitMs), measure: "total" };
}

/** Reports a finished request: its row and its added time from one reading of the clock, so they agree. */
export function reportFinished(deps: PipelineDeps, context: PipelineContext, outcome: Outcome, baseline: CatalogEntry | undefined, endedAt = performance.now()): void {
  const elapsedMs = endedAt - context.startedAt;
  reportRequest(deps, buildLogRow(context, outcome, baseline, deps.redactor.redact, elapsedMs), addedTime(context, outcome, elapsedMs));
}

function reportRequest(deps: PipelineDeps, row: RequestLogRow, added: { addedMs: number; measure: AddedTimeMeasure }): void {
  deps.logSink.record(row);
  deps.addedTime?.observeAdded(row, added.addedMs, added.measure);
  // The line is built only when it will be written (LOG_LEVEL=warn or above leaves it out).
  if (deps.logRequests !== false && deps.logger.enabled?.("info") !== false) deps.logger.info("request", requestLine(row, added.addedMs, deps.redactor.redact));
}

/**
 * The request line's fields: who answered and how, what it cost, how long it took. Sizes and
 * decisions only: never the prompt, the answer, an error text (it may quote either) or a header.
 * The client's model name is redacted like everything the client sends.
 */
function requestLine(row: RequestLogRow, addedMs: number, redact: (text: string) => string): Record<string, unknown> {
  return {
    taskId: row.taskId,
    door: row.door,
    requestedModel: redact(row.requestedModel),
    provider: row.provider,
    model: row.model,
    tier: row.tier,
    stream: row.stream,
    status: row.status,
    ...(row.errorType ? { errorType: row.errorType } : {}),
    tokensIn: row.tokensIn,
    tokensOut: row.tokensOut,
    cachedTokens: row.cachedTokens,
    costUsd: row.costUsd,
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs,
    addedMs: Math.round(addedMs * 100) / 100,
    cache: row.cacheStatus,
    fallbacks: row.fallbacks,
  };
}
