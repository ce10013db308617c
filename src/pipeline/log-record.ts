import type { RequestLogRow } from "../db/schema";
import { redactSecrets } from "../logger";
import { costUsd } from "../routing/model-catalog";
import type { Outcome, PipelineContext } from "./context";

/** The request-log row for one finished request. Holds sizes and counts, never prompt text or keys. */
export function buildLogRow(context: PipelineContext, outcome: Outcome): RequestLogRow {
  const served = context.served;
  const usage = outcome.usage;
  return {
    taskId: context.taskId,
    createdAt: context.receivedAt,
    door: context.door.name,
    userAgent: context.userAgent?.slice(0, 300) ?? null,
    requestedModel: context.request.model.slice(0, 200),
    provider: served?.provider.id ?? null,
    model: served?.model ?? null,
    stream: Boolean(context.request.stream),
    status: outcome.status,
    errorType: outcome.errorType ?? null,
    errorMessage: outcome.errorMessage ? redactSecrets(outcome.errorMessage).slice(0, 1000) : null,
    finishReason: outcome.finishReason ?? null,
    tokensIn: usage?.tokensIn ?? 0,
    tokensOut: usage?.tokensOut ?? 0,
    cachedTokens: usage?.cachedTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    costUsd: costUsd(served?.entry, usage),
    latencyMs: Math.round(performance.now() - context.startedAt),
    ttftMs: outcome.ttftMs ?? null,
    promptBytes: context.promptBytes,
    messageCount: context.request.messages.length,
  };
}
