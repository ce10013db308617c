import { type AnthropicBlock, anthropicBlockPart, needsAnthropicBlock } from "../../chat/anthropic-blocks";
import { plainCopy } from "../../chat/plain-copy";
import { ANTHROPIC_REASONING_FORMAT, type ReasoningDetail } from "../../chat/reasoning-details";
import type { ChatMessage } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import type { AnthropicMessage, ContentBlock, MessagesRequest, TextBlock, ToolResultContent } from "./messages-schema";
import { type ContentPart, textPart, toContentPart, toolReferencePart } from "./to-chat-content";

/**
 * The Messages API's `system` and `messages` → chat messages, in order:
 * - `system` (a string or text blocks) → a leading system message, same form;
 * - a `{"role": "system"}` entry among the messages → a system message in place (and
 *   `systemTurns`, so the Anthropic provider keeps it there);
 * - a user turn → one `tool` message per tool_result block (content, `is_error` and
 *   `cache_control` kept), then a user message with the other blocks as parts (string stays string);
 * - an assistant turn → text as parts, tool_use blocks as `tool_calls` (input as JSON text, mark
 *   kept), thinking blocks as `reasoning_content` and, signed, as `reasoning_details` in Anthropic's
 *   format, redacted_thinking as an encrypted entry;
 * - a tool_reference block in a tool result (tool search) → a `tool_reference` part (chat/tool-reference.ts);
 * - blocks of Anthropic's server tools (server_tool_use, web search results, code execution, …)
 *   and text with citations have no place in a chat message: each becomes an `anthropic_block`
 *   part in its place (chat/anthropic-blocks.ts), which the Anthropic provider sends back as it
 *   came and other providers leave out (cited text as plain text); in such a turn, thinking after
 *   its first other block (interleaved thinking) is kept in place the same way.
 * A block in a turn that cannot hold it (tool_use from the user, a tool_result from the assistant)
 * is a 400 naming it.
 */
export interface ChatConversation {
  messages: ChatMessage[];
  /** The client put system turns among its messages. */
  systemTurns: boolean;
}

type ChatToolCall = NonNullable<Extract<ChatMessage, { role: "assistant" }>["tool_calls"]>[number];

function systemMessage(content: string | TextBlock[]): ChatMessage {
  return { role: "system", content: typeof content === "string" ? content : content.map(textPart) };
}

/**
 * A block kept whole for Anthropic, as the part that carries it: a copy, as the schema's output
 * shares the block's inner values with the parsed body, whose turns the door may keep for the
 * next body (doors/resent-turns.ts) and which nothing after the door may hold.
 */
const kept = (block: ContentBlock): ContentPart => anthropicBlockPart(plainCopy(block) as AnthropicBlock);

function userTurn(blocks: ContentBlock[], param: string): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const [index, block] of blocks.entries()) {
    const where = `${param}.content[${index}]`;
    switch (block.type) {
      case "tool_result":
        results.push({
          role: "tool",
          tool_call_id: block.tool_use_id,
          content: toolResultContent(block.content, where),
          ...(block.is_error === true ? { is_error: true } : {}),
          ...(block.cache_control ? { cache_control: block.cache_control } : {}),
        });
        break;
      case "text":
        parts.push(needsAnthropicBlock(block) ? kept(block) : toContentPart(block, where));
        break;
      case "image":
      case "document":
        parts.push(toContentPart(block, where));
        break;
      case "tool_use":
      case "thinking":
      case "redacted_thinking":
        throw invalidRequest(`${block.type} blocks belong to assistant messages, not user messages.`, `${where}.type`);
      default:
        parts.push(kept(block));
    }
  }
  return parts.length > 0 ? [...results, { role: "user", content: parts }] : results;
}

function toolResultContent(content: ToolResultContent | undefined, param: string): string | ContentPart[] {
  if (content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((block, index) => {
    if (block.type === "text" && needsAnthropicBlock(block)) return kept(block);
    if (block.type === "text" || block.type === "image" || block.type === "document") return toContentPart(block, `${param}.content[${index}]`);
    // Tool search's result (chat/tool-reference.ts): kept for Anthropic to expand, as text for the rest.
    if (block.type === "tool_reference") return toolReferencePart(block, `${param}.content[${index}]`);
    return kept(block);
  });
}

const chatBlockTypes = new Set(["text", "tool_use", "thinking", "redacted_thinking"]);

function assistantTurn(blocks: ContentBlock[], param: string): ChatMessage {
  const parts: ContentPart[] = [];
  const calls: ChatToolCall[] = [];
  const details: ReasoningDetail[] = [];
  let reasoning = "";
  // In a turn with server-tool blocks, thinking between them (interleaved thinking) stays in its
  // place: the turn's thinking otherwise leads it, and Anthropic wants the turn back as it was.
  const serverTurn = blocks.some((block) => !chatBlockTypes.has(block.type));
  let leading = true;
  for (const [index, block] of blocks.entries()) {
    const thinking = block.type === "thinking" || block.type === "redacted_thinking";
    if (serverTurn && !leading && thinking) {
      if (block.type === "thinking") reasoning += block.thinking;
      parts.push(kept(block));
      continue;
    }
    leading &&= thinking;
    switch (block.type) {
      case "text":
        parts.push(needsAnthropicBlock(block) ? kept(block) : textPart(block));
        break;
      case "tool_use":
        calls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input) },
          ...(block.cache_control ? { cache_control: block.cache_control } : {}),
        });
        break;
      case "thinking":
        reasoning += block.thinking;
        // An unsigned block (from a provider that does not sign) is readable reasoning only.
        if (block.signature !== "") details.push({ type: "reasoning.text", text: block.thinking, signature: block.signature, format: ANTHROPIC_REASONING_FORMAT, index: details.length });
        break;
      case "redacted_thinking":
        details.push({ type: "reasoning.encrypted", data: block.data, format: ANTHROPIC_REASONING_FORMAT, index: details.length });
        break;
      case "tool_result":
      case "image":
      case "document":
        throw invalidRequest(`${block.type} blocks belong to user messages, not assistant messages.`, `${param}.content[${index}].type`);
      default:
        parts.push(kept(block));
    }
  }
  const message: Extract<ChatMessage, { role: "assistant" }> = { role: "assistant", content: parts.length > 0 ? parts : null, tool_calls: calls.length > 0 ? calls : undefined };
  if (reasoning !== "") message.reasoning_content = reasoning;
  if (details.length > 0) message.reasoning_details = details;
  return message;
}

function turn(message: AnthropicMessage, param: string): ChatMessage[] {
  if (message.role === "system") return [systemMessage(message.content)];
  if (typeof message.content === "string") {
    return [message.role === "user" ? { role: "user", content: message.content } : { role: "assistant", content: message.content, tool_calls: undefined }];
  }
  return message.role === "user" ? userTurn(message.content, param) : [assistantTurn(message.content, param)];
}

export function toChatMessages(request: Pick<MessagesRequest, "system" | "messages">): ChatConversation {
  const messages: ChatMessage[] = [];
  if (request.system != null && request.system.length > 0) messages.push(systemMessage(request.system));
  for (const [index, message] of request.messages.entries()) messages.push(...turn(message, `messages[${index}]`));
  return { messages, systemTurns: request.messages.some((message) => message.role === "system") };
}
