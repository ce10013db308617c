import type { PipelineContext } from "./context";
import type { Outcome } from "./outcome";

/**
 * Whether a finished request's answer goes into the response cache: only a complete, successful
 * answer from a model, never an error, a cut stream or an abandoned one, nor an answer a budget
 * downgrade sent to a cheaper model (the request as asked must not get it later). The cache stage
 * stores by it, and the log row names the entry by it (cache_key, what a bad rating evicts).
 */
export function storableOutcome(context: PipelineContext, outcome: Outcome, finishReason: string | null | undefined = outcome.finishReason): boolean {
  if (!context.served || context.localAnswer || !outcome.completed || outcome.clientAborted || outcome.status !== 200) return false;
  if (context.budget?.downgraded) return false;
  return finishReason === "stop" || finishReason === "length" || finishReason === "tool_calls";
}
