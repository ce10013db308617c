import { candidateKey } from "../routing/candidate";
import type { Outcome, PipelineContext, PipelineDeps } from "./context";
import { buildLogRow } from "./log-record";

/**
 * Everything that happens once per finished request: the log row, the success-rate sample of the
 * serving model, the circuit breaker for failures that happened mid-stream, and the conversation's
 * latest task (for /feedback).
 */
export function recordOutcome(context: PipelineContext, outcome: Outcome, deps: PipelineDeps): void {
  deps.logSink.record(buildLogRow(context, outcome, deps.routing.baseline));
  const served = context.served;
  if (!served || context.localAnswer) return;
  const key = candidateKey(served);
  const success = outcome.status === 200;
  const upstreamFailure = outcome.status >= 500 || outcome.status === 429;
  if (success || upstreamFailure) {
    deps.routing.successRates.recordOutcome(context.taskId, context.classification?.category ?? "unclassified", key, success);
  }
  // Failures before the first byte were already counted by dispatch; this catches mid-stream ones.
  if (upstreamFailure && context.attempts.at(-1)?.error === undefined) deps.routing.breakers.recordFailure(key, outcome.errorMessage ?? "failed mid-stream");
  if (success) {
    deps.feedback.rememberTask(context.sessionKey, {
      taskId: context.taskId,
      provider: served.provider.id,
      model: served.model,
      category: context.classification?.category ?? "unclassified",
    });
  }
}
