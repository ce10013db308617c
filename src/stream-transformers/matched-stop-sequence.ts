/**
 * The stop sequence an OpenAI-wire answer stopped at, where the upstream says: vLLM's `stop_reason`
 * on a choice is the matched stop string (or a stop token's id, or null at the end-of-sequence
 * token: vllm-project/vllm#2976). OpenAI itself gives `finish_reason: "stop"` for both a matched
 * sequence and a natural end, so without such a field the sequence is not known. Kept as the
 * choice's `stop_sequence` (chat/types.ts), for the Anthropic door; the upstream's field stays.
 */
export function keepMatchedStopSequence(choice: { finish_reason?: string | null; stop_sequence?: string }): void {
  const matched = (choice as { stop_reason?: unknown }).stop_reason;
  if (choice.finish_reason === "stop" && typeof matched === "string" && matched !== "") choice.stop_sequence = matched;
}
