import type { Content, Part } from "@google/genai";
import { type ChatMessage, messageText } from "../../chat/request-schema";
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
 *   the keys Google documents for function responses;
 * - consecutive turns of one role are merged, since Gemini expects all responses to one model
 *   turn's calls in a single turn.
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
  const systemTexts: string[] = [];
  const contents: Content[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: "user" | "model", parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts = [...(last.parts ?? []), ...parts];
    else contents.push({ role, parts });
  };

  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case "system":
      case "developer": {
        const text = messageText(message.content);
        if (text !== "") systemTexts.push(text);
        break;
      }
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
        break;
      }
      case "function":
        push("user", [functionResponsePart(message.name, messageText(message.content), false)]);
        break;
    }
  }

  const result: GeminiContents = { contents };
  if (systemTexts.length > 0) result.systemInstruction = { parts: [{ text: systemTexts.join("\n\n") }] };
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
    const part: Part = { functionCall: { name: call.function.name, args: parseArguments(call.function.arguments, options.logger) } };
    const signature = options.signatureFor(call.id);
    if (signature) part.thoughtSignature = signature;
    // Only the first call of a turn carries a signature (parallel calls share it).
    else if (position === 0 && requiresThoughtSignature(options.model)) part.thoughtSignature = SKIP_SIGNATURE_VALIDATOR;
    parts.push(part);
  }
  const legacyCall = message.function_call as { name?: unknown; arguments?: unknown } | undefined;
  if (calls.length === 0 && legacyCall && typeof legacyCall.name === "string") {
    const args = typeof legacyCall.arguments === "string" ? legacyCall.arguments : "";
    parts.push({ functionCall: { name: legacyCall.name, args: parseArguments(args, options.logger) } });
  }
  return parts;
}

function functionResponsePart(name: string, text: string, isError: boolean): Part {
  return { functionResponse: { name, response: isError ? { error: text } : { output: text } } };
}

/** Gemini wants call arguments as an object; a call the model cut short replays as `{}`. */
function parseArguments(text: string, logger: Logger): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  logger.debug("replaying tool call arguments that are not a JSON object as {}", { length: text.length });
  return {};
}
