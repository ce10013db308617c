import type { FinishReason } from "../chat/types";

/** Gemini finish reasons that mean a safety or policy filter cut the answer. */
const filtered = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "MODEL_ARMOR",
]);

/**
 * A Gemini `finishReason` as an OpenAI finish reason. Gemini says STOP after function calls too
 * (it has no tool stop reason), so whether calls were emitted decides between stop and tool_calls.
 */
export function mapGeminiFinishReason(reason: string | undefined, emittedToolCalls: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (reason !== undefined && filtered.has(reason)) return "content_filter";
  return emittedToolCalls ? "tool_calls" : "stop";
}
