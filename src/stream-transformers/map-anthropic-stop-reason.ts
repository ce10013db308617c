import type { FinishReason } from "../chat/types";

/**
 * Anthropic `stop_reason` → OpenAI `finish_reason`. `pause_turn` (a server tool paused a long
 * turn) ends the turn as far as an OpenAI client can tell, so it is `stop`; a refusal is the
 * closest thing OpenAI has to a content filter; running out of context is running out of length.
 * Unknown future reasons become `stop` rather than breaking the client.
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

/** Stop reasons the finish reason gives back as they were (the Anthropic door maps these four back). */
const roundTrips = new Set(["end_turn", "max_tokens", "tool_use", "refusal"]);

/**
 * The stop reason to keep as `native_finish_reason` beside the finish reason: only one the finish
 * reason loses (`pause_turn`, `stop_sequence`, …), so ordinary answers carry nothing extra.
 */
export function nativeStopReason(stopReason: string | null | undefined): string | undefined {
  return typeof stopReason === "string" && stopReason !== "" && !roundTrips.has(stopReason) ? stopReason : undefined;
}
