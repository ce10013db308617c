import { candidateKey } from "../routing/candidate";
import type { PipelineContext, PipelineDeps } from "./context";
import { type Outcome, upstreamFailed } from "./outcome";
import { reportFinished } from "./request-report";

/**
 * What the runner records once per finished request: the log row, the success-rate sample of the
 * serving model, and the conversation's latest task (for /feedback). Circuit breakers are the
 * dispatch stage's (stages/dispatch.ts).
 */
export function recordOutcome(context: PipelineContext, outcome: Outcome, deps: PipelineDeps): void {
  reportFinished(deps, context, outcome, deps.routing.baseline);
  const hit = context.cache?.hit;
  if (hit && outcome.status === 200) {
    // A cached answer is the answer the user read last: /feedback rates it, not the one before.
    deps.feedback.rememberTask(context.sessionKey, { taskId: context.taskId, provider: hit.provider, model: hit.model, category: "unclassified" });
    return;
  }
  const served = context.served;
  if (!served || context.localAnswer) return;
  const key = candidateKey(served);
  const success = outcome.status === 200;
  if (success || upstreamFailed(outcome)) {
    deps.routing.successRates.recordOutcome(context.classification?.category ?? "unclassified", key, success);
  }
  if (success) {
    deps.feedback.rememberTask(context.sessionKey, {
      taskId: context.taskId,
      provider: served.provider.id,
      model: served.model,
      category: context.classification?.category ?? "unclassified",
    });
  }
}
