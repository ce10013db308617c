import type { ChatMessage, ChatRequest } from "../../chat/request-schema";
import { messageText } from "../../chat/request-schema";
import { collectSystemMessages, systemPromptText } from "../../chat/system-messages";
import { invalidRequest } from "../../errors";

/**
 * A chat request as what `claude -p` takes: one system prompt (the client's system and developer
 * messages, joined) and one text prompt, sent on stdin. A single user message is sent as it is;
 * a longer conversation becomes a transcript of tagged turns (assistant tool calls and tool
 * results included), oldest first, the last message last.
 *
 * Images, audio and files cannot travel through `-p` text. Rather than let the model answer about
 * an attachment it never saw, such a request is refused with a 400 naming the part (the router
 * does not send them here: the provider declares no vision).
 */
export interface CliPrompt {
  systemPrompt: string;
  prompt: string;
}

const transcriptIntro =
  "Below is a conversation between a user and an assistant, oldest turn first. Write the assistant's next reply only, without a tag around it.";

export function renderPrompt(request: ChatRequest): CliPrompt {
  rejectNonTextParts(request.messages);
  const { system, conversation } = collectSystemMessages(request.messages);
  const systemPrompt = systemPromptText(system);
  const turns = conversation.map(({ message }) => message);

  const only = turns[0];
  const prompt = turns.length === 1 && only?.role === "user" ? messageText(only.content) : [transcriptIntro, ...turns.map(renderTurn)].join("\n\n");
  return { systemPrompt, prompt: guardSlashCommand(prompt) };
}

function renderTurn(message: ChatMessage): string {
  switch (message.role) {
    case "user":
      return tagged("user", messageText(message.content));
    case "assistant": {
      const parts = [messageText(message.content)];
      for (const call of message.tool_calls ?? []) {
        parts.push(`<tool_call id="${attribute(call.id)}" name="${attribute(call.function.name)}">\n${call.function.arguments}\n</tool_call>`);
      }
      return tagged("assistant", parts.filter((part) => part !== "").join("\n"));
    }
    case "tool":
      return `<tool_result tool_call_id="${attribute(message.tool_call_id)}">\n${messageText(message.content)}\n</tool_result>`;
    case "function":
      return `<tool_result name="${attribute(message.name)}">\n${messageText(message.content)}\n</tool_result>`;
    default:
      return "";
  }
}

const tagged = (tag: string, text: string) => `<${tag}>\n${text}\n</${tag}>`;
const attribute = (value: string) => value.replace(/[&"<>]/g, (character) => `&#${character.charCodeAt(0)};`);

/** `claude -p` runs a prompt that starts with "/" as one of its slash commands, even with --disable-slash-commands. */
function guardSlashCommand(prompt: string): string {
  return prompt.startsWith("/") ? ` ${prompt}` : prompt;
}

function rejectNonTextParts(messages: ChatMessage[]): void {
  for (const [index, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    const part = message.content.find((candidate) => candidate.type !== "text");
    if (part) {
      throw invalidRequest(
        `The claude-cli provider passes text only and cannot take '${part.type}' content (messages[${index}]). Use a provider with vision, such as anthropic, or send text.`,
        `messages[${index}].content`,
        "unsupported_content",
      );
    }
  }
}
