import type { ChatMessage } from "../../chat/request-schema";
import type { Logger } from "../../logger";

/**
 * OpenAI's chat completions take only text in a tool message ("Image URLs are only allowed for
 * messages with role 'user'"), and so do the chat templates of most OpenAI-compatible servers;
 * but a tool result may hold images and PDFs (an Anthropic tool_result from Claude Code's Read of
 * a screenshot, an OpenAI client's tool message with an image part). Each such tool message keeps
 * its text and a note; its media follow the run of tool messages in one user message, each group
 * introduced by the call it came from. The tool messages still follow their assistant turn
 * directly, as the API requires, and the model still sees every image.
 */
type Part = Exclude<ChatMessage["content"], string | null | undefined>[number];

const isText = (part: Part) => part.type === "text";
const hasMedia = (message: ChatMessage) => message.role === "tool" && Array.isArray(message.content) && !message.content.every(isText);

export function toolMediaAsUserTurn(messages: readonly ChatMessage[], model: string, logger: Logger): readonly ChatMessage[] {
  if (!messages.some(hasMedia)) return messages;
  const result: ChatMessage[] = [];
  let pending: Part[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    result.push({ role: "user", content: pending });
    pending = [];
  };
  let moved = 0;
  for (const message of messages) {
    if (message.role !== "tool") flush();
    if (!hasMedia(message) || message.role !== "tool" || !Array.isArray(message.content)) {
      result.push(message);
      continue;
    }
    const media = message.content.filter((part) => !isText(part));
    const count = media.length === 1 ? "an attachment" : `${media.length} attachments`;
    result.push({ ...message, content: [...message.content.filter(isText), { type: "text", text: `(${count}: in the next user message)` }] });
    pending.push({ type: "text", text: `The tool result ${message.tool_call_id} came with ${media.length === 1 ? "this attachment" : "these attachments"}:` }, ...media);
    moved += media.length;
  }
  flush();
  logger.debug("moved tool-result media into a user message: the upstream takes only text in tool messages", { model, parts: moved });
  return result;
}
