import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { type AnthropicBlock, needsAnthropicBlock } from "../../chat/anthropic-blocks";
import type { ReasoningDetail } from "../../chat/reasoning-details";
import type { AssistantMessage, ChatCompletion, ToolCall } from "../../chat/types";
import { anthropicRedactedThinkingDetail, anthropicThinkingDetail } from "../../stream-transformers/anthropic-reasoning-details";
import { mapAnthropicStopReason, nativeStopReason } from "../../stream-transformers/map-anthropic-stop-reason";
import { mapAnthropicUsage } from "../../stream-transformers/map-anthropic-usage";

/**
 * A non-streaming Anthropic `Message` → an OpenAI chat completion, with the same rules as the
 * stream transformer: text blocks → `content`, thinking → `reasoning_content` (never `content`),
 * signed thinking and redacted thinking → `reasoning_details` (to come back on the next turn),
 * tool_use → `tool_calls` (arguments as JSON text). An answer with server-tool blocks or cited
 * text also keeps its whole `content` as `anthropic.content` (chat/anthropic-blocks.ts), for the
 * Anthropic door to answer with as it came; a stop reason the finish reason loses (`pause_turn`)
 * is kept as `native_finish_reason`. `content` is null when the model only called tools, as
 * OpenAI returns it.
 */
export function fromAnthropicMessage(message: Message): ChatCompletion {
  let text = "";
  let reasoning = "";
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text") text += block.text;
    else if (block.type === "thinking") {
      reasoning += block.thinking;
      const detail = anthropicThinkingDetail(block.thinking, block.signature ?? "", details.length);
      if (detail) details.push(detail);
    } else if (block.type === "redacted_thinking") {
      details.push(anthropicRedactedThinkingDetail(block.data, details.length));
    } else if (block.type === "tool_use") {
      toolCalls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const assistant: AssistantMessage = { role: "assistant", content: text === "" && toolCalls.length > 0 ? null : text, refusal: null };
  if (reasoning !== "") assistant.reasoning_content = reasoning;
  if (details.length > 0) assistant.reasoning_details = details;
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  if (message.content.some(needsAnthropicBlock)) assistant.anthropic = { content: message.content as unknown as AnthropicBlock[] };
  const choice: ChatCompletion["choices"][number] = { index: 0, message: assistant, finish_reason: mapAnthropicStopReason(message.stop_reason), logprobs: null };
  const native = nativeStopReason(message.stop_reason);
  if (native) choice.native_finish_reason = native;
  if (typeof message.stop_sequence === "string") choice.stop_sequence = message.stop_sequence;
  return {
    id: message.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [choice],
    usage: mapAnthropicUsage(message.usage),
  };
}
