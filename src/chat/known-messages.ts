import { type Fields, isName, isObject, rebuilt } from "./loose-copy";
import type { ChatMessage } from "./request-schema";

/**
 * The chat request's `messages` as the request schema (request-schema.ts) would output them,
 * built without zod for the turns agents send by the hundred: system, developer and user turns,
 * tool results, and assistant turns with text and function calls. Zod spends about 1.5 µs per
 * such turn (a result object per key, a copy of every loose object's keys through its catch-all);
 * this builds the same objects directly: the schema's keys first, in the schema's order, then the
 * others in the client's order, with the schema's defaults and transforms applied.
 *
 * Anything else (another role, a field of the wrong type, an empty name, `reasoning_details`, an
 * `openai_custom` call, a `__proto__` key) gives undefined, and the caller runs the schema on the
 * whole request, so every refusal is still zod's, word for word. tests/chat/known-messages.test.ts
 * compares the two on every fixture and on generated turns.
 */
export function knownMessages(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const result: ChatMessage[] = new Array(messages.length);
  for (let index = 0; index < messages.length; index++) {
    const message = knownMessage(messages[index]);
    if (!message) return undefined;
    result[index] = message;
  }
  return result;
}

const isNullishText = (value: unknown) => value === null || typeof value === "string";

const TEXT_TURN_KEYS = ["role", "content", "name"];
const TOOL_TURN_KEYS = ["role", "content", "tool_call_id"];
const ASSISTANT_KEYS = ["role", "content", "name", "tool_calls", "reasoning_content", "reasoning_details"];
const CALL_KEYS = ["id", "type", "function", "openai_custom"];
const FUNCTION_KEYS = ["name", "arguments"];
const PART_KEYS = ["type"];

function knownMessage(message: unknown): ChatMessage | undefined {
  if (!isObject(message)) return undefined;
  const role = message.role;
  if (role === "system" || role === "developer" || role === "user") {
    const content = requiredContent(message.content);
    if (content === undefined) return undefined;
    if ("name" in message && typeof message.name !== "string") return undefined;
    return rebuilt(message, TEXT_TURN_KEYS, { content }) as ChatMessage | undefined;
  }
  if (role === "tool") {
    const content = partsOrText(message.content);
    if (content === undefined || !isName(message.tool_call_id, 1)) return undefined;
    return rebuilt(message, TOOL_TURN_KEYS, { content }) as ChatMessage | undefined;
  }
  if (role === "assistant") return knownAssistant(message);
  return undefined;
}

function knownAssistant(message: Fields): ChatMessage | undefined {
  if ("reasoning_details" in message) return undefined;
  if ("name" in message && typeof message.name !== "string") return undefined;
  if ("reasoning_content" in message && !isNullishText(message.reasoning_content)) return undefined;
  const changed: Fields = {};
  if ("content" in message && message.content !== null) {
    const content = partsOrText(message.content);
    if (content === undefined) return undefined;
    // The schema's transform: an empty array means no content.
    changed.content = Array.isArray(content) && content.length === 0 ? null : content;
  }
  if ("tool_calls" in message && message.tool_calls !== null) {
    const calls = message.tool_calls;
    if (!Array.isArray(calls)) return undefined;
    const rebuiltCalls: unknown[] = new Array(calls.length);
    for (let index = 0; index < calls.length; index++) {
      const call = knownCall(calls[index]);
      if (!call) return undefined;
      rebuiltCalls[index] = call;
    }
    // The schema's transform: an empty list means no calls (the key stays, holding undefined).
    changed.tool_calls = rebuiltCalls.length === 0 ? undefined : rebuiltCalls;
  }
  return rebuilt(message, ASSISTANT_KEYS, changed) as ChatMessage | undefined;
}

function knownCall(call: unknown): Fields | undefined {
  if (!isObject(call) || "openai_custom" in call || !isName(call.id, 0)) return undefined;
  if ("type" in call && call.type !== "function") return undefined;
  const fn = call.function;
  if (!isObject(fn) || !isName(fn.name, 1)) return undefined;
  if ("arguments" in fn && typeof fn.arguments !== "string") return undefined;
  const rebuiltFunction = rebuilt(fn, FUNCTION_KEYS, { arguments: "arguments" in fn ? fn.arguments : "" });
  if (!rebuiltFunction) return undefined;
  return rebuilt(call, CALL_KEYS, { type: "function", function: rebuiltFunction });
}

/** A user or system turn's content: a string, or a non-empty array of parts. */
function requiredContent(content: unknown): string | Fields[] | undefined {
  const value = partsOrText(content);
  return Array.isArray(value) && value.length === 0 ? undefined : value;
}

/** A string, or an array of parts, each an object with a non-empty string `type`. */
function partsOrText(content: unknown): string | Fields[] | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const parts: Fields[] = new Array(content.length);
  for (let index = 0; index < content.length; index++) {
    const part: unknown = content[index];
    if (!isObject(part) || typeof part.type !== "string" || part.type.length === 0) return undefined;
    const copy = rebuilt(part, PART_KEYS, {});
    if (!copy) return undefined;
    parts[index] = copy;
  }
  return parts;
}
