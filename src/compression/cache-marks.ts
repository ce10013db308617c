import type { ChatMessage, ChatRequest, ChatTool } from "../chat/request-schema";

/**
 * Prompt-cache marks (`cache_control`, Anthropic style) on a request, a message, a content part
 * or a tool. Clients that mark messages (Claude Code, Cline on Anthropic models) move the mark to
 * the newest turn every time, so a message that carried it in one request is unmarked in the next.
 * Leaving only marked messages alone would therefore change each message one turn after it was
 * first sent and break the very cache the mark asked for; when a request marks any message, the
 * compressor leaves every message alone (see README).
 */

/** Every object in the chat schema is loose, so an index signature reads the mark without a cast. */
function carriesMark(value: { [key: string]: unknown }): boolean {
  return value.cache_control !== undefined && value.cache_control !== null;
}

export function messageCarriesCacheMark(message: ChatMessage): boolean {
  if (carriesMark(message)) return true;
  const content = message.content;
  return Array.isArray(content) && content.some((part) => carriesMark(part));
}

export function requestMarksMessages(request: ChatRequest): boolean {
  return carriesMark(request) || request.messages.some(messageCarriesCacheMark);
}

export function toolCarriesCacheMark(tool: ChatTool): boolean {
  return carriesMark(tool) || carriesMark(tool.function);
}
