import type { ChatCompletion, FinishReason, Usage } from "../../chat/types";

/**
 * The internal usage and finish reason in Anthropic's terms. Anthropic's `input_tokens` leaves out
 * cached and cache-write tokens, which it counts apart; the internal `prompt_tokens` includes them
 * (OpenAI's way), with the two cache counts in `prompt_tokens_details`. Thinking tokens, where the
 * upstream reported them, go to `output_tokens_details.thinking_tokens`; Anthropic's server tool
 * counts (`web_search_requests`, …) to `server_tool_use`, as the API reports them.
 */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
  server_tool_use?: Record<string, number>;
}

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  const mapped: AnthropicUsage = {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
  const thinking = usage?.completion_tokens_details?.reasoning_tokens;
  if (typeof thinking === "number" && thinking > 0) mapped.output_tokens_details = { thinking_tokens: thinking };
  if (usage?.server_tool_use) mapped.server_tool_use = usage.server_tool_use;
  return mapped;
}

/**
 * message_start's usage: the prompt's counts the upstream reported as the answer started (the
 * chunk's `start_usage`: Anthropic's own message_start, Gemini's first event), or, when it reports them only at the end
 * (OpenAI-wire upstreams), the same fields at zero, as Anthropic's shape has them all. The answer's
 * usage follows in message_delta either way.
 */
export function toAnthropicStartUsage(usage: Usage | undefined): Pick<AnthropicUsage, "input_tokens" | "cache_creation_input_tokens" | "cache_read_input_tokens" | "output_tokens"> {
  const mapped = toAnthropicUsage(usage);
  return { input_tokens: mapped.input_tokens, cache_creation_input_tokens: mapped.cache_creation_input_tokens, cache_read_input_tokens: mapped.cache_read_input_tokens, output_tokens: mapped.output_tokens };
}

type Choice = Pick<ChatCompletion["choices"][number], "finish_reason" | "native_finish_reason" | "stop_sequence">;

/**
 * `stop_reason` and `stop_sequence` as the API pairs them. `stop_sequence` only with the string the
 * upstream named (Anthropic does, and vLLM: matched-stop-sequence.ts); OpenAI's own `stop` does not
 * say whether a sequence matched or the model ended its turn, so that is `end_turn` with null
 * rather than a guess.
 */
export function toAnthropicStop(choice: Choice | undefined): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
  if (choice?.finish_reason === "stop" && typeof choice.stop_sequence === "string") return { stop_reason: "stop_sequence", stop_sequence: choice.stop_sequence };
  return { stop_reason: toAnthropicStopReason(choice?.finish_reason, choice?.native_finish_reason), stop_sequence: null };
}

/** `native` is the upstream's own stop reason: only `pause_turn` has no finish reason of its own to come back from. */
function toAnthropicStopReason(reason: FinishReason | null | undefined, native?: string): AnthropicStopReason {
  if (native === "pause_turn") return "pause_turn";
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}
