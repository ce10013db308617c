import { ANTHROPIC_REASONING_FORMAT } from "../../chat/reasoning-details";
import { parseToolArguments } from "../../chat/tool-arguments";
import type { AssistantMessage, ChatCompletion } from "../../chat/types";
import { stopSequence, toAnthropicStopReason, toAnthropicUsage } from "./to-anthropic-usage";

/**
 * A completion as the non-streaming Messages API answer (a `Message`): thinking first (each
 * Anthropic reasoning entry as the thinking or redacted_thinking block it was, signature included;
 * readable reasoning from another provider as an unsigned thinking block), then the text, then one
 * tool_use block per tool call (arguments parsed back into `input`; arguments that are not a JSON
 * object are kept whole under `_raw_arguments`, chat/tool-arguments.ts). An Anthropic answer that
 * held server-tool blocks or cited text brought its whole content along (`anthropic.content`,
 * chat/anthropic-blocks.ts): that is the answer's content, exactly as the API gave it.
 */
export type AnthropicContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/** `msg_…` ids as Anthropic's; an upstream's own Anthropic id is kept. */
export function messageId(upstreamId: string, fallback: string): string {
  return upstreamId.startsWith("msg_") ? upstreamId : `msg_${fallback.replaceAll("-", "")}`;
}

export function thinkingBlocks(message: Pick<AssistantMessage, "reasoning_content" | "reasoning_details">): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  for (const detail of message.reasoning_details ?? []) {
    if (detail.format !== ANTHROPIC_REASONING_FORMAT) continue;
    if (detail.type === "reasoning.text" && detail.signature) blocks.push({ type: "thinking", thinking: detail.text ?? "", signature: detail.signature });
    else if (detail.type === "reasoning.encrypted") blocks.push({ type: "redacted_thinking", data: detail.data });
  }
  if (blocks.length === 0 && message.reasoning_content) blocks.push({ type: "thinking", thinking: message.reasoning_content, signature: "" });
  return blocks;
}

export function toAnthropicMessage(completion: ChatCompletion, fallbackId: string) {
  const choice = completion.choices[0];
  const message = choice?.message;
  return {
    id: messageId(completion.id, fallbackId),
    type: "message" as const,
    role: "assistant" as const,
    model: completion.model,
    content: message?.anthropic?.content ?? contentBlocks(message),
    stop_reason: toAnthropicStopReason(choice?.finish_reason, choice?.native_finish_reason),
    stop_sequence: stopSequence(choice),
    usage: toAnthropicUsage(completion.usage),
  };
}

function contentBlocks(message: AssistantMessage | undefined): AnthropicContentBlock[] {
  const content: AnthropicContentBlock[] = message ? thinkingBlocks(message) : [];
  const text = `${message?.content ?? ""}${message?.refusal ?? ""}`;
  if (text !== "") content.push({ type: "text", text });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments).input });
  }
  return content;
}
