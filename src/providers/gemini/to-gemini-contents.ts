import type { Content, Part } from "@google/genai";
import { mergeSameRoleTurns, type Turn } from "../../chat/merge-turns";
import { type ChatMessage, messageText } from "../../chat/request-schema";
import { collectSystemMessages, systemPromptText } from "../../chat/system-messages";
import { RAW_ARGUMENTS_KEY, parseToolArguments } from "../../chat/tool-arguments";
import { invalidRequest } from "../../errors";
import type { Logger } from "../../logger";
import { toGeminiParts } from "./to-gemini-parts";
import { requiresThoughtSignature, SKIP_SIGNATURE_VALIDATOR } from "./thought-signature-store";

/**
 * The chat history as Gemini `contents` plus a `systemInstruction`:
 * - system and developer messages (wherever they appear) join the system instruction;
 * - assistant turns become role "model"; their tool calls become `functionCall` parts;
 * - tool results become `functionResponse` parts of a "user" turn. Gemini matches a response to
 *   its call by function name, which OpenAI tool messages do not carry: it is looked up from the
 *   earlier assistant tool call with the same id. A result flagged `is_error` (as the Anthropic
 *   door marks failed tool runs) goes in `response.error`, anything else in `response.output`,
 *   the keys Google documents for function responses. A `functionResponse` holds only JSON, so
 *   a tool result's images and files follow the run of responses as parts of the same user turn
 *   (dropping them left the model with only the result's text);
 * - consecutive turns of one role are merged, since Gemini expects all responses to one model
 *   turn's calls in a single turn;
 * - tool-call arguments that are not a JSON object travel as `_raw_arguments` (chat/tool-arguments.ts).
 */
export interface GeminiContents {
  systemInstruction?: Content;
  contents: Content[];
}

export interface ContentsOptions {
  model: string;
  logger: Logger;
  /** The thought signature remembered for a tool call id, if any. */
  signatureFor(toolCallId: string): string | undefined;
}

export function toGeminiContents(messages: ChatMessage[], options: ContentsOptions): GeminiContents {
  const { system, conversation } = collectSystemMessages(messages);
  const turns: Array<Turn<"user" | "model", Part>> = [];
  const toolNames = new Map<string, string>();
  const push = (role: "user" | "model", parts: Part[]) => turns.push({ role, parts });
  let toolMedia: Part[] = [];
  const flushToolMedia = () => {
    if (toolMedia.length > 0) push("user", toolMedia);
    toolMedia = [];
  };

  for (const { message, index } of conversation) {
    if (message.role !== "tool" && message.role !== "function") flushToolMedia();
    switch (message.role) {
      case "user":
        push("user", toGeminiParts(message.content, options.logger));
        break;
      case "assistant":
        push("model", assistantParts(message, toolNames, options));
        break;
      case "tool": {
        const name = toolNames.get(message.tool_call_id) ?? (typeof message.name === "string" ? message.name : undefined);
        if (!name) {
          throw invalidRequest(
            `messages[${index}].tool_call_id "${message.tool_call_id}" does not match a tool call of an earlier assistant message.`,
            `messages[${index}].tool_call_id`,
          );
        }
        push("user", [functionResponsePart(name, messageText(message.content), message.is_error === true)]);
        if (Array.isArray(message.content)) {
          toolMedia.push(...toGeminiParts(message.content.filter((part) => part.type !== "text"), options.logger));
        }
        break;
      }
      case "function":
        push("user", [functionResponsePart(message.name, messageText(message.content), false)]);
        break;
    }
  }

  flushToolMedia();

  const result: GeminiContents = { contents: mergeSameRoleTurns(turns) };
  const systemText = systemPromptText(system);
  if (systemText !== "") result.systemInstruction = { parts: [{ text: systemText }] };
  return result;
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;

function assistantParts(message: AssistantMessage, toolNames: Map<string, string>, options: ContentsOptions): Part[] {
  const parts: Part[] = [];
  const text = messageText(message.content);
  if (text !== "") parts.push({ text });
  const calls = message.tool_calls ?? [];
  for (const [position, call] of calls.entries()) {
    toolNames.set(call.id, call.function.name);
    const part: Part = { functionCall: { name: call.function.name, args: toolArguments(call.function.arguments, options.logger) } };
    const signature = options.signatureFor(call.id);
    if (signature) part.thoughtSignature = signature;
    // Only the first call of a turn carries a signature (parallel calls share it).
    else if (position === 0 && requiresThoughtSignature(options.model)) part.thoughtSignature = SKIP_SIGNATURE_VALIDATOR;
    parts.push(part);
  }
  const legacyCall = message.function_call as { name?: unknown; arguments?: unknown } | undefined;
  if (calls.length === 0 && legacyCall && typeof legacyCall.name === "string") {
    const args = typeof legacyCall.arguments === "string" ? legacyCall.arguments : "";
    parts.push({ functionCall: { name: legacyCall.name, args: toolArguments(args, options.logger) } });
  }
  return parts;
}

function functionResponsePart(name: string, text: string, isError: boolean): Part {
  return { functionResponse: { name, response: isError ? { error: text } : { output: text } } };
}

function toolArguments(text: string, logger: Logger): Record<string, unknown> {
  const { input, malformed } = parseToolArguments(text);
  if (malformed) logger.warn(`tool call arguments are not a JSON object; passed to Gemini as ${RAW_ARGUMENTS_KEY}`, { length: text.length });
  return input;
}
