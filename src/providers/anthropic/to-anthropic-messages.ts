import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam, ToolUseBlockParam } from "@anthropic-ai/sdk/resources/messages";
import type { ChatMessage } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import type { Logger } from "../../logger";
import { toAnthropicBlocks, toAnthropicTextBlocks } from "./to-anthropic-content";

/**
 * OpenAI messages → Anthropic `system` + `messages`.
 * - system and developer messages, wherever they sit, become `system` text blocks in order
 *   (Anthropic has one system prompt, outside the turns);
 * - assistant text and `tool_calls` become text and tool_use blocks; `reasoning_content` from
 *   history is dropped, because Anthropic only takes back thinking blocks with their signature;
 * - `role: tool` messages become tool_result blocks in a user turn; consecutive ones share one
 *   turn, and tool results always lead their turn, as the API requires;
 * - a tool result is marked `is_error: true` only when the client says so with an `is_error`
 *   field on the tool message: guessing from the text ("Error...") would mislabel real output,
 *   and the model reads the text either way;
 * - consecutive turns of the same role are merged (Anthropic wants user/assistant alternation);
 * - empty turns are left out (the API rejects empty text blocks).
 */
export interface AnthropicConversation {
  system: TextBlockParam[];
  messages: MessageParam[];
}

type Turn = { role: "user" | "assistant"; content: ContentBlockParam[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Tool-call arguments as the object Anthropic's `input` must be. An empty string (no-argument
 * tools) is `{}`. Text that is not a JSON object is kept, as a string under `_raw_arguments`, so
 * the model still sees what it sent instead of a silently emptied call.
 */
export function parseToolArguments(raw: string, toolName: string, logger: Logger): Record<string, unknown> {
  if (raw.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isRecord(parsed)) return parsed;
  } catch {
    // fall through to the raw form
  }
  logger.warn("tool call arguments are not a JSON object; passed to Anthropic as _raw_arguments", { tool: toolName });
  return { _raw_arguments: raw };
}

export function toAnthropicMessages(messages: ChatMessage[], logger: Logger): AnthropicConversation {
  const system: TextBlockParam[] = [];
  const turns: Turn[] = [];
  let droppedReasoning = false;

  const push = (role: Turn["role"], content: ContentBlockParam[]) => {
    if (content.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content: [...content] });
  };

  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...toAnthropicTextBlocks(message.content, param));
        break;
      case "user":
        push("user", toAnthropicBlocks(message.content, param));
        break;
      case "assistant": {
        if (message.reasoning_content) droppedReasoning = true;
        const toolUses: ToolUseBlockParam[] = (message.tool_calls ?? []).map((call) => ({
          type: "tool_use",
          id: call.id,
          name: call.function.name,
          input: parseToolArguments(call.function.arguments, call.function.name, logger),
        }));
        push("assistant", [...toAnthropicTextBlocks(message.content, param), ...toolUses]);
        break;
      }
      case "tool": {
        const blocks = toAnthropicBlocks(message.content, param);
        const result: ToolResultBlockParam = { type: "tool_result", tool_use_id: message.tool_call_id };
        if (blocks.length > 0) result.content = plainText(blocks) ?? blocks;
        if (message.is_error === true) result.is_error = true;
        push("user", [result]);
        break;
      }
      case "function":
        throw invalidRequest("Legacy `function` messages cannot be sent to Anthropic; use tool_calls and `tool` messages.", param);
    }
  }

  if (droppedReasoning) logger.debug("dropped reasoning_content from history: Anthropic needs the signed thinking blocks, which OpenAI clients do not keep");
  if (turns.length === 0) throw invalidRequest("Anthropic needs at least one user or assistant message with content.", "messages");
  return { system, messages: turns.map(leadWithToolResults) };
}

/** Text-only tool output as the plain string most tool results are (and as the API echoes them). */
function plainText(blocks: ContentBlockParam[]): string | undefined {
  if (!blocks.every((block) => block.type === "text" && !block.cache_control)) return undefined;
  return blocks.map((block) => (block as TextBlockParam).text).join("");
}

/** Within a user turn, tool_result blocks must come before any other content. */
function leadWithToolResults(turn: Turn): MessageParam {
  if (turn.role !== "user") return turn;
  const results = turn.content.filter((block) => block.type === "tool_result");
  if (results.length === 0) return turn;
  return { role: "user", content: [...results, ...turn.content.filter((block) => block.type !== "tool_result")] };
}
