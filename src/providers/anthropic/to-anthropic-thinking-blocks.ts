import type { RedactedThinkingBlockParam, ThinkingBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { ANTHROPIC_REASONING_FORMAT, appendReasoningDetails, type ReasoningDetail } from "../../chat/reasoning-details";

/**
 * The reasoning state an assistant turn carries back (`reasoning_details`) as the thinking blocks
 * Anthropic wants at the start of that turn, unchanged and in their order: a signed text entry
 * becomes a thinking block, an encrypted one a redacted_thinking block. Only entries of Anthropic's
 * format are read; unsigned text (nothing Anthropic would accept) and other formats are left out.
 * Entries a client kept as stream deltas are folded first, so either form works.
 */
export type AnthropicThinkingBlock = ThinkingBlockParam | RedactedThinkingBlockParam;

export function toAnthropicThinkingBlocks(details: readonly ReasoningDetail[] | null | undefined): AnthropicThinkingBlock[] {
  const entries: ReasoningDetail[] = [];
  appendReasoningDetails(entries, (details ?? []).filter((detail) => detail.format === ANTHROPIC_REASONING_FORMAT));
  return entries.flatMap((entry): AnthropicThinkingBlock[] => {
    if (entry.type === "reasoning.text" && entry.signature) return [{ type: "thinking", thinking: entry.text ?? "", signature: entry.signature }];
    if (entry.type === "reasoning.encrypted") return [{ type: "redacted_thinking", data: entry.data }];
    return [];
  });
}

/** Whether a turn's content starts with its thinking, as Anthropic requires of a tool-use turn when thinking is on. */
export function startsWithThinking(content: ReadonlyArray<{ type: string }> | string): boolean {
  const first = typeof content === "string" ? undefined : content[0];
  return first?.type === "thinking" || first?.type === "redacted_thinking";
}
