import { candidateKey } from "../routing/candidate";
import type { PipelineContext, PipelineDeps } from "./context";
import { type Outcome, upstreamFailed } from "./outcome";
import { reportFinished } from "./request-report";

/**
 * What the runner records once per finished request: the log row, the success-rate sample of the
 * serving model, and the conversation's latest task (for /feedback). Circuit breakers are the
 * dispatch stage's (stages/dispatch.ts).
 */
export function recordOutcome(context: PipelineContext, outcome: Outcome, deps: PipelineDeps, endedAt?: number): void {
  reportFinished(deps, context, outcome, deps.routing.baseline, endedAt);
  if (context.localAnswer) return;
  const hit = context.cache?.hit;
  const served = context.served;
  // What the user saw last, a cached answer or a failure included: /rate rates it (or says why it cannot), never the answer before.
  deps.feedback.rememberTask(context.sessionKey, {
    taskId: context.taskId,
    status: outcome.status,
    errorType: outcome.errorType ?? null,
    provider: hit?.provider ?? served?.provider.id ?? null,
    model: hit?.model ?? served?.model ?? null,
  });
  if (hit || !served) return;
  const success = outcome.status === 200;
  if (success || upstreamFailed(outcome)) {
    deps.routing.successRates.recordOutcome(context.classification?.category ?? "unclassified", candidateKey(served), success);
  }
}
