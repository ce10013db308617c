import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam, ToolUseBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { mergeSameRoleTurns, type Turn } from "../../chat/merge-turns";
import type { ChatMessage } from "../../chat/request-schema";
import { collectSystemMessages } from "../../chat/system-messages";
import { RAW_ARGUMENTS_KEY, parseToolArguments } from "../../chat/tool-arguments";
import { invalidRequest } from "../../errors";
import type { Logger } from "../../logger";
import { toAnthropicBlocks, toAnthropicTextBlocks } from "./to-anthropic-content";
import { toAnthropicThinkingBlocks } from "./to-anthropic-thinking-blocks";

/**
 * OpenAI messages → Anthropic `system` + `messages`.
 * - system and developer messages, wherever they sit, become `system` text blocks in order
 *   (Anthropic has one system prompt, outside the turns);
 * - assistant text and `tool_calls` become text and tool_use blocks, after the turn's signed
 *   thinking blocks from its `reasoning_details` (to-anthropic-thinking-blocks.ts), which lead the
 *   turn as Anthropic requires; a turn with nothing but thinking is left out. `reasoning_content`
 *   alone is dropped, because Anthropic only takes back thinking blocks with their signature;
 * - `role: tool` messages become tool_result blocks in a user turn; consecutive ones share one
 *   turn, and tool results always lead their turn, as the API requires;
 * - tool-call arguments that are not a JSON object travel as `_raw_arguments` (chat/tool-arguments.ts);
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

type AnthropicTurn = Turn<"user" | "assistant", ContentBlockParam>;

function toolInput(argumentsText: string, toolName: string, logger: Logger): Record<string, unknown> {
  const { input, malformed } = parseToolArguments(argumentsText);
  if (malformed) logger.warn(`tool call arguments are not a JSON object; passed to Anthropic as ${RAW_ARGUMENTS_KEY}`, { tool: toolName });
  return input;
}

export function toAnthropicMessages(messages: ChatMessage[], logger: Logger): AnthropicConversation {
  const { system, conversation } = collectSystemMessages(messages);
  const systemBlocks = system.flatMap(({ message, index }) => toAnthropicTextBlocks(message.content, `messages[${index}]`));
  const turns: AnthropicTurn[] = [];
  let droppedReasoning = false;
  const push = (role: AnthropicTurn["role"], parts: ContentBlockParam[]) => turns.push({ role, parts });

  for (const { message, index } of conversation) {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "user":
        push("user", toAnthropicBlocks(message.content, param));
        break;
      case "assistant": {
        const thinking = toAnthropicThinkingBlocks(message.reasoning_details);
        if (message.reasoning_content && thinking.length === 0) droppedReasoning = true;
        const toolUses: ToolUseBlockParam[] = (message.tool_calls ?? []).map((call) => ({
          type: "tool_use",
          id: call.id,
          name: call.function.name,
          input: toolInput(call.function.arguments, call.function.name, logger),
        }));
        const said = [...toAnthropicTextBlocks(message.content, param), ...toolUses];
        push("assistant", said.length > 0 ? [...thinking, ...said] : []);
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

  if (droppedReasoning) logger.debug("dropped reasoning_content from history: Anthropic takes back only signed thinking blocks, and the turn brought none in reasoning_details");
  const merged = mergeSameRoleTurns(turns);
  if (merged.length === 0) throw invalidRequest("Anthropic needs at least one user or assistant message with content.", "messages");
  return { system: systemBlocks, messages: merged.map(leadWithToolResults) };
}

/** Text-only tool output as the plain string most tool results are (and as the API echoes them). */
function plainText(blocks: ContentBlockParam[]): string | undefined {
  if (!blocks.every((block) => block.type === "text" && !block.cache_control)) return undefined;
  return blocks.map((block) => (block as TextBlockParam).text).join("");
}

/** Within a user turn, tool_result blocks must come before any other content. */
function leadWithToolResults({ role, parts }: AnthropicTurn): MessageParam {
  if (role !== "user") return { role, content: parts };
  const results = parts.filter((block) => block.type === "tool_result");
  if (results.length === 0) return { role, content: parts };
  return { role: "user", content: [...results, ...parts.filter((block) => block.type !== "tool_result")] };
}
