import type { FinishReason, Usage } from "../../chat/types";

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

/** `native` is the upstream's own stop reason: only `pause_turn` has no finish reason of its own to come back from. */
export function toAnthropicStopReason(reason: FinishReason | null | undefined, native?: string): AnthropicStopReason {
  if (native === "pause_turn") return "pause_turn";
  if (native === "stop_sequence" && reason === "stop") return "stop_sequence";
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

/** The sequence that matched, when the answer is reported as ended on one (else null, as the API says). */
export function stopSequence(choice: { finish_reason?: FinishReason | null; native_finish_reason?: string; stop_sequence?: string } | undefined): string | null {
  if (!choice || toAnthropicStopReason(choice.finish_reason, choice.native_finish_reason) !== "stop_sequence") return null;
  return choice.stop_sequence ?? null;
}
