import { type ChatMessage, messageText } from "./request-schema";

/**
 * System and developer messages, wherever a client put them (Claude Code sends one in the middle
 * of the conversation), apart from the turns. Upstreams without system turns (Anthropic, Gemini,
 * the Claude CLI) take them as one system prompt in their order; each message keeps its position
 * in the request so errors can name it.
 */
export type SystemMessage = Extract<ChatMessage, { role: "system" | "developer" }>;
export type ConversationMessage = Exclude<ChatMessage, SystemMessage>;

export interface Positioned<Message> {
  message: Message;
  /** Its index in the request's `messages`. */
  index: number;
}

export interface SplitMessages {
  system: Array<Positioned<SystemMessage>>;
  conversation: Array<Positioned<ConversationMessage>>;
}

export function isSystemMessage(message: ChatMessage): message is SystemMessage {
  return message.role === "system" || message.role === "developer";
}

export function collectSystemMessages(messages: readonly ChatMessage[]): SplitMessages {
  const split: SplitMessages = { system: [], conversation: [] };
  for (const [index, message] of messages.entries()) {
    if (isSystemMessage(message)) split.system.push({ message, index });
    else split.conversation.push({ message, index });
  }
  return split;
}

/** The system messages' text as one prompt: each message's text, empty ones left out, a blank line between. */
export function systemPromptText(system: ReadonlyArray<Positioned<SystemMessage>>): string {
  return system
    .map(({ message }) => messageText(message.content))
    .filter((text) => text !== "")
    .join("\n\n");
}
