import type { ChatMessage } from "../../chat/request-schema";

/**
 * A tool that returned nothing (an MCP tool's empty `content`, a Messages API tool_result with
 * `content: []`, a Responses `function_call_output` with `output: []`) arrives as a tool message
 * whose content is an empty array; OpenAI answers that with a 400 ("Invalid 'messages[2].content':
 * empty array") and so do servers that want a string (DeepSeek). Since a client resends its whole
 * history every turn, one such result would fail every later turn of the session. It goes as the
 * empty string, which means the same. Other messages are left as they are (the same array when
 * there is none).
 */
const isEmptyToolResult = (message: ChatMessage) => message.role === "tool" && Array.isArray(message.content) && message.content.length === 0;

export function withEmptyToolResultsAsText(messages: readonly ChatMessage[]): readonly ChatMessage[] {
  if (!messages.some(isEmptyToolResult)) return messages;
  return messages.map((message) => (isEmptyToolResult(message) ? { ...message, content: "" } : message));
}
