import { moneyAmount } from "../budget/money-text";
import { normalizeUsage } from "../chat/types";
import { toProxyError } from "../errors";
import { requestNeeds } from "../routing/request-needs";
import type { PipelineContext, PipelineDeps, Stage } from "./context";
import { abortedUsage, completionOutputCharacters } from "./aborted-usage";
import { createFinisher } from "./finish-request";
import { outcomeErrorType } from "./outcome";
import type { ResponseEncoder } from "./response-encoder";
import { budget } from "./stages/budget";
import { cache } from "./stages/cache";
import { classify } from "./stages/classify";
import { compress } from "./stages/compress";
import { dispatch } from "./stages/dispatch";
import { feedbackIntercept } from "./stages/feedback-intercept";
import { route } from "./stages/route";
import { observeStream } from "./stream-observer";

/** The fixed order of stages (docs/architecture.md). */
export const defaultStages: Stage[] = [feedbackIntercept, cache, compress, classify, route, budget, dispatch];

/**
 * Runs the stages in order, builds the Response through the request's door (its encoder), and
 * finishes exactly once, also on errors and client aborts: one log row, then every finish hook.
 * Every response carries x-task-id, x-provider and x-model.
 */
export async function runPipeline(context: PipelineContext, encoder: ResponseEncoder, deps: PipelineDeps, stages: Stage[] = defaultStages): Promise<Response> {
  const finish = createFinisher(context, deps);
  try {
    for (const stage of stages) {
      const result = await stage(context, deps);
      if (!result) continue;
      const headers = responseHeaders(context);
      // The budget stage's estimate of the same request, so the log and the budget agree.
      const promptTokensEstimate = () => requestNeeds(context.request).promptTokens;
      // An upstream's answer without usage still cost something; a cached or local one did not.
      const estimateMissingUsage = context.served !== undefined && !context.localAnswer && context.cache?.status !== "hit";
      if (result.kind === "completion") {
        const completion = result.completion;
        const usage = normalizeUsage(completion.usage);
        const spent = usage || !estimateMissingUsage ? { usage, estimated: false } : abortedUsage(undefined, promptTokensEstimate, completionOutputCharacters(completion));
        const outcome = {
          status: 200,
          completed: true,
          clientAborted: false,
          usage: spent.usage,
          usageEstimated: spent.estimated,
          finishReason: completion.choices[0]?.finish_reason ?? null,
          answer: completion,
        };
        const deferred = deps.deferredFinishes;
        if (!deferred) {
          finish(outcome);
          return encoder.completion(completion, headers);
        }
        // The answer first; its row and hooks at the next turn, with the time it was handed over.
        const response = encoder.completion(completion, headers);
        const endedAt = performance.now();
        deferred.defer(() => finish(outcome, undefined, endedAt));
        return response;
      }
      const chunks = observeStream(result.chunks, {
        startedAt: context.startedAt,
        clientSignal: context.clientSignal,
        keepAnswer: context.finishHooks.needsAnswer,
        redactor: deps.redactor,
        promptTokensEstimate,
        estimateMissingUsage,
        onEnd: finish,
      });
      return encoder.stream(chunks, headers, { heartbeatMs: deps.streamHeartbeatMs, signal: context.clientSignal });
    }
    throw new Error("the pipeline ended without an answer");
  } catch (error) {
    // Upstream text is in the message: redacted once, for the client, the log row and the breakers.
    const proxyError = deps.redactor.redactError(toProxyError(error));
    if (proxyError.status >= 500) deps.logger.error("request failed", { taskId: context.taskId, status: proxyError.status, error: proxyError.message, cause: String(proxyError.cause ?? "") });
    finish({ status: proxyError.status, completed: false, clientAborted: proxyError.status === 499, errorType: outcomeErrorType(proxyError), errorMessage: proxyError.message });
    const headers = responseHeaders(context);
    // The upstream's own wait (a rate limit's retry-after), or the time until an open circuit's probe.
    if (proxyError.retryAfterSeconds !== undefined && (proxyError.status === 429 || proxyError.code === "circuit_open")) headers.set("retry-after", String(proxyError.retryAfterSeconds));
    // The SDKs (and Claude Code, up to 10 times) retry a 429 unless told that it cannot help.
    if (proxyError.final) headers.set("x-should-retry", "false");
    return encoder.error(proxyError, headers);
  }
}

export function responseHeaders(context: Pick<PipelineContext, "taskId" | "served" | "route" | "localAnswer" | "cache" | "budget">): Headers {
  const hit = context.cache?.hit;
  const headers = new Headers({
    "x-task-id": context.taskId,
    "x-provider": context.localAnswer?.provider ?? hit?.provider ?? context.served?.provider.id ?? "none",
    "x-model": context.localAnswer?.model ?? hit?.model ?? context.served?.model ?? "none",
  });
  if (context.cache) headers.set("x-cache", context.cache.status.toUpperCase());
  if (context.budget && context.budget.remaining.length > 0) {
    headers.set("x-budget-remaining", context.budget.remaining.map((budget) => `${budget.scope}:${budget.period}=${moneyAmount(budget.usd, "down")}`).join(", "));
  }
  if (context.route) {
    if (context.route.tier) headers.set("x-tier", context.route.tier);
    // Header values must be Latin-1; reasons are ASCII by construction, this keeps it so.
    headers.set("x-route-reason", context.route.reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 300));
  }
  return headers;
}
