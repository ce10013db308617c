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
