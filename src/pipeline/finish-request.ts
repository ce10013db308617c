import type { AssembledAnswer } from "../chat/chunk-assembler";
import type { ChatCompletion } from "../chat/types";
import type { PipelineContext, PipelineDeps } from "./context";
import type { Outcome } from "./outcome";
import { recordOutcome } from "./record-outcome";

/** `endedAt`: when the answer was handed over (performance.now()), if that was before this call; else now. */
export type Finisher = (outcome: Outcome, streamed?: AssembledAnswer, endedAt?: number) => void;

/**
 * The end of a request that reached the pipeline, done exactly once however it ended: the outcome
 * is recorded (log row, success rate, the conversation's latest task), then every finish hook
 * runs, with a stream's answer (assembled as its chunks passed) when a hook asked for it.
 * Returns a function that does this on its first call and nothing on later ones.
 */
export function createFinisher(context: PipelineContext, deps: PipelineDeps): Finisher {
  let finished = false;
  return (outcome, streamed, endedAt) => {
    if (finished) return;
    finished = true;
    try {
      recordOutcome(context, outcome, deps, endedAt);
    } finally {
      runHooks(context, deps, outcome, streamed);
    }
  };
}

function runHooks(context: PipelineContext, deps: PipelineDeps, outcome: Outcome, streamed: AssembledAnswer | undefined): void {
  const hooks = context.finishHooks;
  if (hooks.size === 0) return;
  if (!outcome.completed || outcome.answer || !streamed) {
    hooks.run(outcome, deps.logger, context.taskId);
    return;
  }
  completionOf(streamed).then(
    (answer) => hooks.run({ ...outcome, answer }, deps.logger, context.taskId),
    (error: unknown) => {
      deps.logger.error("could not assemble the streamed answer", { taskId: context.taskId, error: String(error) });
      hooks.run(outcome, deps.logger, context.taskId);
    },
  );
}

function completionOf(streamed: AssembledAnswer): Promise<ChatCompletion> {
  // A turn later, as before, and a failure (an empty stream, a chunk it could not take) is a rejection.
  return Promise.resolve(streamed).then((answer) => answer.completion());
}
