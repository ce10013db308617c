import type { ChatMessage, ChatRequest } from "../../chat/request-schema";
import { messageText } from "../../chat/request-schema";
import { collectSystemMessages, systemPromptText } from "../../chat/system-messages";
import { type UserBlock, toUserBlocks } from "./user-content";

/**
 * A chat request as what one `claude -p` run takes: one system prompt (the client's system and
 * developer messages, joined) and the content of one user message. A single user message is sent
 * as it is; a longer conversation becomes a transcript of tagged turns (assistant tool calls and
 * tool results included), oldest first, the last message last. Images and PDFs stay where they
 * were in the conversation, as blocks between the transcript's text.
 */
export interface CliPrompt {
  systemPrompt: string;
  content: UserBlock[];
}

export interface RenderOptions {
  /** The name the model knows a client tool by, when the run offers the client's tools. */
  toolName?: (clientName: string) => string;
}

const transcriptIntro =
  "Below is a conversation between a user and an assistant, oldest turn first. Write the assistant's next reply only, without a tag around it.";
const toolsNote =
  "The <tool_call> and <tool_result> tags only record earlier tool calls and their results: to call a tool now, use your tools, never such a tag.";

export function renderPrompt(request: ChatRequest, options: RenderOptions = {}): CliPrompt {
  const { system, conversation } = collectSystemMessages(request.messages);
  const systemPrompt = systemPromptText(system);
  const writer = new BlockWriter();
  const only = conversation[0];
  if (conversation.length === 1 && only?.message.role === "user") {
    writer.content(only.message.content, `messages[${only.index}]`);
  } else {
    writer.text(options.toolName ? `${transcriptIntro} ${toolsNote}` : transcriptIntro);
    for (const { message, index } of conversation) {
      writer.text("\n\n");
      renderTurn(writer, message, `messages[${index}]`, options.toolName ?? ((name) => name));
    }
  }
  return { systemPrompt, content: writer.blocks() };
}

function renderTurn(writer: BlockWriter, message: ChatMessage, param: string, toolName: (clientName: string) => string): void {
  switch (message.role) {
    case "user":
      writer.text("<user>\n");
      writer.content(message.content, param);
      writer.text("\n</user>");
      return;
    case "assistant": {
      const parts = [messageText(message.content)];
      for (const call of message.tool_calls ?? []) {
        parts.push(`<tool_call id="${attribute(call.id)}" name="${attribute(toolName(call.function.name))}">\n${call.function.arguments}\n</tool_call>`);
      }
      writer.text(`<assistant>\n${parts.filter((part) => part !== "").join("\n")}\n</assistant>`);
      return;
    }
    case "tool":
      writer.text(`<tool_result tool_call_id="${attribute(message.tool_call_id)}">\n`);
      writer.content(message.content, param);
      writer.text("\n</tool_result>");
      return;
    case "function":
      writer.text(`<tool_result name="${attribute(toolName(message.name))}">\n`);
      writer.content(message.content, param);
      writer.text("\n</tool_result>");
      return;
    default:
      return;
  }
}

const attribute = (value: string) => value.replace(/[&"<>]/g, (character) => `&#${character.charCodeAt(0)};`);

/** Collects text and media in order, joining neighbouring text into one block. */
class BlockWriter {
  private readonly done: UserBlock[] = [];
  private pending = "";

  text(text: string): void {
    this.pending += text;
  }

  content(content: ChatMessage["content"], param: string): void {
    for (const block of toUserBlocks(content, param)) {
      if (block.type === "text") this.pending += block.text;
      else {
        this.flush();
        this.done.push(block);
      }
    }
  }

  blocks(): UserBlock[] {
    this.flush();
    return this.done.length > 0 ? this.done : [{ type: "text", text: "" }];
  }

  private flush(): void {
    if (this.pending !== "") this.done.push({ type: "text", text: guardSlashCommand(this.pending) });
    this.pending = "";
  }
}

/**
 * The CLI runs a message whose last text block starts with "/" as one of its slash commands, even
 * with --disable-slash-commands (checked with 2.1.332); a leading space makes it plain text.
 */
function guardSlashCommand(text: string): string {
  return text.startsWith("/") ? ` ${text}` : text;
}
