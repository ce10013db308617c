import { assembleChunks } from "../chat/chunk-assembler";
import type { ChatCompletion, ChatCompletionChunk } from "../chat/types";
import type { PipelineContext, PipelineDeps } from "./context";
import type { Outcome } from "./outcome";
import { recordOutcome } from "./record-outcome";

export type Finisher = (outcome: Outcome, chunks?: readonly ChatCompletionChunk[]) => void;

/**
 * The end of a request that reached the pipeline, done exactly once however it ended: the outcome
 * is recorded (log row, success rate, the conversation's latest task), then every finish hook
 * runs, after a stream's kept chunks are assembled into the answer when a hook asked for it.
 * Returns a function that does this on its first call and nothing on later ones.
 */
export function createFinisher(context: PipelineContext, deps: PipelineDeps): Finisher {
  let finished = false;
  return (outcome, chunks) => {
    if (finished) return;
    finished = true;
    try {
      recordOutcome(context, outcome, deps);
    } finally {
      runHooks(context, deps, outcome, chunks);
    }
  };
}

function runHooks(context: PipelineContext, deps: PipelineDeps, outcome: Outcome, chunks: readonly ChatCompletionChunk[] | undefined): void {
  const hooks = context.finishHooks;
  if (hooks.size === 0) return;
  if (!outcome.completed || outcome.answer || !chunks) {
    hooks.run(outcome, deps.logger, context.taskId);
    return;
  }
  assemble(chunks).then(
    (answer) => hooks.run({ ...outcome, answer }, deps.logger, context.taskId),
    (error: unknown) => {
      deps.logger.error("could not assemble the streamed answer", { taskId: context.taskId, error: String(error) });
      hooks.run(outcome, deps.logger, context.taskId);
    },
  );
}

function assemble(chunks: readonly ChatCompletionChunk[]): Promise<ChatCompletion> {
  // Straight from the array: a stream around it cost a read (and a promise) per chunk.
  return Promise.resolve(chunks).then(assembleChunks);
}
