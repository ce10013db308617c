import { ANTHROPIC_REASONING_FORMAT, type ReasoningEncryptedDetail, type ReasoningTextDetail } from "../chat/reasoning-details";

/**
 * Anthropic thinking blocks as reasoning details, for the stream transformer and the non-stream
 * mapper alike. A thinking block is kept with its signature (what Anthropic checks when the block
 * comes back); one without a signature could never be replayed, so it yields no detail and its
 * text reaches the client as `reasoning_content` only. A redacted_thinking block is kept as its
 * encrypted `data`. `index` counts the turn's thinking and redacted_thinking blocks in order.
 */
export function anthropicThinkingDetail(thinking: string, signature: string, index: number): ReasoningTextDetail | undefined {
  if (signature === "") return undefined;
  return { type: "reasoning.text", text: thinking, signature, format: ANTHROPIC_REASONING_FORMAT, index };
}

export function anthropicRedactedThinkingDetail(data: string, index: number): ReasoningEncryptedDetail {
  return { type: "reasoning.encrypted", data, format: ANTHROPIC_REASONING_FORMAT, index };
}
