import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam, ToolUseBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { withCacheControl } from "../../chat/cache-control";
import type { ChatMessage } from "../../chat/request-schema";
import { isSystemMessage } from "../../chat/system-messages";
import { RAW_ARGUMENTS_KEY, parseToolArguments } from "../../chat/tool-arguments";
import { invalidRequest } from "../../errors";
import type { Logger } from "../../logger";
import { toAnthropicAssistantBlocks, toAnthropicBlocks, toAnthropicTextBlocks, toToolResultBlocks } from "./to-anthropic-content";
import { toAnthropicThinkingBlocks } from "./to-anthropic-thinking-blocks";

/**
 * OpenAI messages → Anthropic `system` + `messages`.
 * - system and developer messages become `system` text blocks in order (Anthropic has one system
 *   prompt, outside the turns); when the request says its system turns belong in place
 *   (`anthropic.system_turns`: a Messages API client put them there), those after the first turn
 *   stay where they are, as `{"role": "system"}` turns;
 * - assistant text and `tool_calls` become text and tool_use blocks (server-tool blocks and cited
 *   text, kept as `anthropic_block` parts, as they came, in place among the text), after the turn's signed
 *   thinking blocks from its `reasoning_details` (to-anthropic-thinking-blocks.ts), which lead the
 *   turn as Anthropic requires; a turn with nothing but thinking is left out. `reasoning_content`
 *   alone is dropped, because Anthropic only takes back thinking blocks with their signature;
 * - `role: tool` messages become tool_result blocks in a user turn; consecutive ones share one
 *   turn, and tool results always lead their turn, as the API requires;
 * - tool-call arguments that are not a JSON object travel as `_raw_arguments` (chat/tool-arguments.ts);
 * - a tool result is marked `is_error: true` only when the client says so with an `is_error`
 *   field on the tool message: guessing from the text ("Error...") would mislabel real output,
 *   and the model reads the text either way;
 * - `cache_control` marks stay on what carries them: parts, tool results, tool calls;
 * - consecutive turns of the same role are merged (Anthropic wants user/assistant alternation);
 * - empty turns are left out (the API rejects empty text blocks);
 * - content given as a plain string stays a string, in a turn that was not merged, in a tool
 *   result, and as the whole system prompt (`systemText`), so a Messages API request comes back
 *   as it was sent.
 */
export interface AnthropicConversation {
  system: TextBlockParam[];
  /** The system prompt as the one string it was sent as, when it was. */
  systemText?: string;
  messages: MessageParam[];
}

interface AnthropicTurn {
  role: "user" | "assistant" | "system";
  parts: ContentBlockParam[];
  /** The turn's content as the string it was sent as, while the turn is one message's. */
  text?: string;
}

function toolInput(argumentsText: string, toolName: string, logger: Logger): Record<string, unknown> {
  const { input, malformed } = parseToolArguments(argumentsText);
  if (malformed) logger.warn(`tool call arguments are not a JSON object; passed to Anthropic as ${RAW_ARGUMENTS_KEY}`, { tool: toolName });
  return input;
}

const plainText = (content: ChatMessage["content"]) => (typeof content === "string" && content !== "" ? { text: content } : {});

export function toAnthropicMessages(messages: ChatMessage[], logger: Logger, systemTurns = false): AnthropicConversation {
  const system: TextBlockParam[] = [];
  const systemTexts: Array<ChatMessage["content"]> = [];
  const turns: AnthropicTurn[] = [];
  let droppedReasoning = false;
  let conversationStarted = false;

  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`;
    if (isSystemMessage(message)) {
      const blocks = toAnthropicTextBlocks(message.content, param);
      if (systemTurns && conversationStarted) turns.push({ role: "system", parts: blocks, ...plainText(message.content) });
      else {
        system.push(...blocks);
        systemTexts.push(message.content);
      }
      continue;
    }
    conversationStarted = true;
    switch (message.role) {
      case "user":
        turns.push({ role: "user", parts: toAnthropicBlocks(message.content, param), ...plainText(message.content) });
        break;
      case "assistant": {
        const thinking = toAnthropicThinkingBlocks(message.reasoning_details);
        if (message.reasoning_content && thinking.length === 0) droppedReasoning = true;
        const toolUses: ToolUseBlockParam[] = (message.tool_calls ?? []).map((call) => ({
          type: "tool_use",
          id: call.id,
          name: call.function.name,
          input: toolInput(call.function.arguments, call.function.name, logger),
          ...withCacheControl(call.cache_control),
        }));
        const said = [...toAnthropicAssistantBlocks(message.content, param), ...toolUses];
        const plain = thinking.length === 0 && toolUses.length === 0 ? plainText(message.content) : {};
        turns.push({ role: "assistant", parts: said.length > 0 ? [...thinking, ...said] : [], ...plain });
        break;
      }
      case "tool": {
        const blocks = toToolResultBlocks(message.content, param);
        const result: ToolResultBlockParam = { type: "tool_result", tool_use_id: message.tool_call_id };
        if (blocks.length > 0) result.content = typeof message.content === "string" ? message.content : blocks;
        if (message.is_error === true) result.is_error = true;
        Object.assign(result, withCacheControl(message.cache_control));
        turns.push({ role: "user", parts: [result] });
        break;
      }
      case "function":
        throw invalidRequest("Legacy `function` messages cannot be sent to Anthropic; use tool_calls and `tool` messages.", param);
    }
  }

  if (droppedReasoning) logger.debug("dropped reasoning_content from history: Anthropic takes back only signed thinking blocks, and the turn brought none in reasoning_details");
  const merged = mergeTurns(turns);
  if (!merged.some((turn) => turn.role !== "system")) throw invalidRequest("Anthropic needs at least one user or assistant message with content.", "messages");
  const onlyText = systemTexts.length === 1 && typeof systemTexts[0] === "string" && system.length === 1 ? { systemText: systemTexts[0] } : {};
  return { system, ...onlyText, messages: merged.map(toMessageParam) };
}

/** Consecutive turns of one role as one (empty ones left out first); a merged turn is blocks. */
function mergeTurns(turns: AnthropicTurn[]): AnthropicTurn[] {
  const merged: AnthropicTurn[] = [];
  for (const turn of turns) {
    if (turn.parts.length === 0) continue;
    const last = merged.at(-1);
    if (last?.role === turn.role) {
      last.parts.push(...turn.parts);
      delete last.text;
    } else merged.push({ ...turn, parts: [...turn.parts] });
  }
  return merged;
}

/** Within a user turn, tool_result blocks must come before any other content. */
function toMessageParam({ role, parts, text }: AnthropicTurn): MessageParam {
  if (role === "system") return { role, content: text ?? (parts as TextBlockParam[]) };
  if (text !== undefined) return { role, content: text };
  if (role !== "user") return { role, content: parts };
  const results = parts.filter((block) => block.type === "tool_result");
  if (results.length === 0) return { role, content: parts };
  return { role: "user", content: [...results, ...parts.filter((block) => block.type !== "tool_result")] };
}
