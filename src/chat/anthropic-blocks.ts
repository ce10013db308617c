import type { ChatMessage, ChatRequest } from "./request-schema";
import { isRecord } from "./is-record";

/**
 * Anthropic content blocks the chat shape has no place for, carried whole so a conversation
 * served by the Anthropic API keeps them both ways: a server tool's call and result
 * (`server_tool_use`, `web_search_tool_result`, `web_fetch_tool_result`, code execution results,
 * …, with their `encrypted_content`) and text with `citations`. Anthropic wants them back on the
 * next turn exactly as it sent them (a `pause_turn` is continued that way), and only it can read
 * them.
 *
 * Request side: an `anthropic_block` content part `{type: "anthropic_block", block}`, in its place
 * among a turn's parts. The Anthropic provider sends the block as it is; every other provider gets
 * the request through `withoutAnthropicBlocks` (text with citations as plain text, the rest left
 * out, as another model cannot use a search it did not run).
 *
 * Response side (types.ts): `anthropic` on a chunk delta (`AnthropicDelta`: whole blocks at their
 * place in the stream, citations of the text being streamed, a text block boundary), `anthropic`
 * on a completion's message (the upstream's whole `content`, when it held any such block; the
 * top-level `container` of a code-execution answer, which a stream gives on its finish chunk), and
 * `native_finish_reason` on a choice (the upstream's own stop reason, OpenRouter's field), which
 * carries `pause_turn`.
 */
export const ANTHROPIC_BLOCK_PART = "anthropic_block";

export type AnthropicBlock = { type: string } & Record<string, unknown>;

export type AnthropicBlockPart = {
  type: typeof ANTHROPIC_BLOCK_PART;
  block: AnthropicBlock;
};

/** What an Anthropic stream adds to a chunk delta beyond the chat fields. */
export interface AnthropicDelta {
  /** Blocks the chat shape cannot hold, each whole, where they came in the stream. */
  blocks?: AnthropicBlock[];
  /** Citations of the text block being streamed (citations_delta). */
  citations?: unknown[];
  /** The text after this delta is a new text block (the upstream sent two in a row). */
  text_block?: true;
  /** The code-execution container the answer ran in, on the finish chunk (message_delta's `container`). */
  container?: AnthropicContainer;
}

/** Anthropic's top-level `container` of an answer that used it (`id`, `expires_at`, …), kept whole. */
export type AnthropicContainer = { id: string } & Record<string, unknown>;

/** What an Anthropic answer adds to a completion's message. */
export interface AnthropicMessageContent {
  /** Its content as the API sent it, when it held a block the chat shape cannot hold. */
  content?: AnthropicBlock[];
  container?: AnthropicContainer;
}

/** A block the chat shape cannot hold whole: any type beyond text, thinking and tool_use, or text with citations. */
export function needsAnthropicBlock(block: { type: string; citations?: unknown }): boolean {
  if (block.type === "text") return Array.isArray(block.citations) && block.citations.length > 0;
  return !["thinking", "redacted_thinking", "tool_use"].includes(block.type);
}

export function anthropicBlockPart(block: AnthropicBlock): AnthropicBlockPart {
  return { type: ANTHROPIC_BLOCK_PART, block };
}

/** A content part read as an Anthropic block part, or undefined. */
export function readAnthropicBlock(part: { type: string }): AnthropicBlock | undefined {
  if (part.type !== ANTHROPIC_BLOCK_PART) return undefined;
  const block = (part as { block?: unknown }).block;
  return isRecord(block) && typeof block.type === "string" ? (block as AnthropicBlock) : undefined;
}

type Part = Exclude<ChatMessage["content"], string | null | undefined>[number];

function hasBlocks(message: ChatMessage): boolean {
  return Array.isArray(message.content) && message.content.some((part) => part.type === ANTHROPIC_BLOCK_PART);
}

/**
 * The request for a provider that cannot read Anthropic blocks: a text block (with citations)
 * becomes its text, every other block is left out. Returned as it is when it holds none.
 */
export function withoutAnthropicBlocks(request: ChatRequest): ChatRequest {
  if (!request.messages.some(hasBlocks)) return request;
  return {
    ...request,
    messages: request.messages.map((message): ChatMessage => {
      if (!hasBlocks(message)) return message;
      const parts = (message.content as Part[]).flatMap((part): Part[] => {
        const block = readAnthropicBlock(part);
        if (part.type !== ANTHROPIC_BLOCK_PART) return [part];
        return block?.type === "text" && typeof block.text === "string" ? [{ type: "text", text: block.text }] : [];
      });
      if (message.role === "assistant") return { ...message, content: parts.length > 0 ? parts : null };
      return { ...message, content: parts.length > 0 ? parts : "" } as ChatMessage;
    }),
  };
}
