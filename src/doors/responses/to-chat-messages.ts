import { OPENAI_RESPONSES_REASONING_FORMAT, type ReasoningDetail } from "../../chat/reasoning-details";
import type { ChatMessage } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import type { MessageOrigin } from "./client-params";
import { fileDataUrl } from "./file-data-url";
import { requireName } from "./name-check";
import { openReasoning } from "./reasoning-envelope";
import type { ResponsesInputItem } from "./responses-request-schema";
import { internalToolName } from "./tool-names";

/**
 * Responses `instructions` and `input` as chat messages. Input is a flat list of items; the chat
 * shape groups a model turn into one assistant message, so consecutive assistant-side items
 * (reasoning, assistant messages, function and custom tool calls) become one assistant turn, which
 * the next user, system or tool-output item closes:
 * - `instructions` → a system message first; `system` and `developer` messages → system messages
 *   (every upstream takes that role; OpenAI reads it as developer for its reasoning models);
 * - user messages → user messages, parts mapped (input_text → text, input_image → image_url,
 *   input_file with file_data → file, bare base64 made a data URL: file-data-url.ts);
 * - assistant messages → the turn's text (output_text and refusal parts);
 * - function_call → a tool call (call_id is its id; a namespaced name is flattened);
 * - custom_tool_call → a tool call whose arguments are `{"input": ...}`;
 * - reasoning → the turn's `reasoning_details` (reasoning-envelope.ts) and its summary text as
 *   `reasoning_content`;
 * - function_call_output / custom_tool_call_output → a tool message.
 * A user, system or developer message that comes between a turn's calls and their outputs (a
 * client steering mid-turn) is held until the last of those outputs: OpenAI's chat API wants the
 * tool messages right after their assistant turn, and Anthropic wants the results first in the
 * next user turn. Everything else keeps its order.
 * Items that need OpenAI's storage (item_reference) or its hosted tools are a 400 naming the item.
 */
type Part = { type: string } & Record<string, unknown>;

interface AssistantDraft {
  texts: string[];
  reasoning: string[];
  details: ReasoningDetail[];
  toolCalls: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
  /** The input path of each tool call's item, for errors (client-params.ts). */
  callPaths: string[];
}

/** A translation's messages and, index for index, where each came from in the client's request. */
export interface TranslatedMessages {
  messages: ChatMessage[];
  origins: MessageOrigin[];
}

const SUPPORTED_ITEMS = "message, function_call, function_call_output, custom_tool_call, custom_tool_call_output and reasoning";
const SUPPORTED_PARTS = "input_text, input_image and input_file";

const record = (value: unknown): Record<string, unknown> => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

function requireString(item: Record<string, unknown>, field: string, param: string): string {
  const value = item[field];
  if (typeof value !== "string") throw invalidRequest(`${param}.${field} must be a string.`, `${param}.${field}`);
  return value;
}

function toPart(value: unknown, param: string): Part {
  const part = record(value);
  switch (part.type) {
    case "input_text":
    case "output_text":
    case "text":
      return { type: "text", text: requireString(part, "text", param) };
    case "input_image": {
      if (typeof part.image_url !== "string" || part.image_url === "") {
        throw invalidRequest(`${param} needs an image_url (an http(s) or data URL); file_id refers to OpenAI's file store, which this proxy does not have.`, `${param}.image_url`);
      }
      return { type: "image_url", image_url: { url: part.image_url, ...(typeof part.detail === "string" ? { detail: part.detail } : {}) } };
    }
    case "input_file": {
      if (typeof part.file_data !== "string" || part.file_data === "") {
        throw invalidRequest(`${param} needs file_data; file_id and file_url refer to files this proxy cannot fetch.`, `${param}.file_data`);
      }
      const filename = typeof part.filename === "string" ? part.filename : undefined;
      return { type: "file", file: { file_data: fileDataUrl(part.file_data, filename, param), ...(filename !== undefined ? { filename } : {}) } };
    }
    default:
      throw invalidRequest(`${param}.type '${String(part.type)}' is not supported; content parts may be ${SUPPORTED_PARTS}.`, `${param}.type`, "unsupported_content");
  }
}

function toContent(content: unknown, param: string): string | Part[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalidRequest(`${param} must be a string or an array of content parts.`, param);
  return content.map((part, index) => toPart(part, `${param}[${index}]`));
}

function assistantText(content: unknown, param: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalidRequest(`${param} must be a string or an array of content parts.`, param);
  return content
    .map((value, index) => {
      const part = record(value);
      if (part.type === "output_text" || part.type === "input_text" || part.type === "text") return requireString(part, "text", `${param}[${index}]`);
      if (part.type === "refusal") return requireString(part, "refusal", `${param}[${index}]`);
      throw invalidRequest(`${param}[${index}].type '${String(part.type)}' is not supported in an assistant message; use output_text or refusal.`, `${param}[${index}].type`);
    })
    .join("");
}

function reasoningOf(item: Record<string, unknown>, draft: AssistantDraft): void {
  const id = typeof item.id === "string" ? item.id : undefined;
  const summary = (Array.isArray(item.summary) ? item.summary : []).map((part) => record(part).text).filter((text): text is string => typeof text === "string");
  if (summary.length > 0) draft.reasoning.push(summary.join("\n\n"));
  if (typeof item.encrypted_content === "string" && item.encrypted_content !== "") {
    const opened = openReasoning(item.encrypted_content, id);
    const foreign = opened.length === 1 && opened[0]!.format === OPENAI_RESPONSES_REASONING_FORMAT;
    // OpenAI's own reasoning goes back with its summary, as a Responses upstream wants it.
    if (foreign && summary.length > 0) draft.details.push({ type: "reasoning.summary", summary: summary.join("\n\n"), format: OPENAI_RESPONSES_REASONING_FORMAT, ...(id ? { id } : {}) });
    draft.details.push(...opened);
  }
}

function finishAssistant(draft: AssistantDraft): ChatMessage | undefined {
  const text = draft.texts.join("\n\n");
  if (text === "" && draft.toolCalls.length === 0) return undefined;
  return {
    role: "assistant",
    content: text === "" ? null : text,
    tool_calls: draft.toolCalls.length > 0 ? draft.toolCalls : undefined,
    ...(draft.reasoning.length > 0 ? { reasoning_content: draft.reasoning.join("\n\n") } : {}),
    ...(draft.details.length > 0 ? { reasoning_details: draft.details } : {}),
  };
}

export function toChatMessages(input: string | readonly ResponsesInputItem[], instructions: string | null | undefined): TranslatedMessages {
  const messages: ChatMessage[] = [];
  const origins: MessageOrigin[] = [];
  const push = (message: ChatMessage, origin: MessageOrigin) => {
    messages.push(message);
    origins.push(origin);
  };
  if (instructions) push({ role: "system", content: instructions }, { kind: "text", path: "instructions" });
  if (typeof input === "string") {
    if (input === "") throw invalidRequest("input must not be empty.", "input");
    push({ role: "user", content: input }, { kind: "text", path: "input" });
    return { messages, origins };
  }
  let draft: AssistantDraft | undefined;
  // The closed turn's calls still waiting for their outputs, and the messages held until they come.
  let unanswered = new Set<string>();
  let held: Array<[ChatMessage, MessageOrigin]> = [];
  const releaseHeld = () => {
    for (const [message, origin] of held) push(message, origin);
    held = [];
    unanswered = new Set();
  };
  const assistant = () => {
    if (!draft) releaseHeld();
    return (draft ??= { texts: [], reasoning: [], details: [], toolCalls: [], callPaths: [] });
  };
  const closeTurn = () => {
    const message = draft && finishAssistant(draft);
    if (message) {
      push(message, { kind: "assistant", calls: draft!.callPaths });
      unanswered = new Set(draft!.toolCalls.map((call) => call.id));
    }
    draft = undefined;
  };

  for (const [index, item] of input.entries()) {
    const param = `input[${index}]`;
    const type = item.type ?? (item.role !== undefined ? "message" : undefined);
    switch (type) {
      case "message": {
        const role = item.role;
        if (role === "assistant") {
          assistant().texts.push(assistantText(item.content, `${param}.content`));
        } else if (role === "user" || role === "system" || role === "developer") {
          closeTurn();
          const content = toContent(item.content, `${param}.content`);
          // Every upstream refuses a user or system turn without content: refused before spending a call.
          if (content.length === 0) throw invalidRequest(`${param}.content must not be empty.`, `${param}.content`);
          const message: ChatMessage = role === "user" ? { role: "user", content } : { role: "system", content };
          if (unanswered.size > 0) held.push([message, { kind: "message", path: param }]);
          else push(message, { kind: "message", path: param });
        } else {
          throw invalidRequest(`${param}.role must be one of user, assistant, system or developer.`, `${param}.role`);
        }
        break;
      }
      case "function_call":
      case "custom_tool_call": {
        const name = internalToolName(requireName(item, "name", param), typeof item.namespace === "string" ? item.namespace : undefined);
        const callArguments = type === "function_call" ? requireString(item, "arguments", param) : JSON.stringify({ input: requireString(item, "input", param) });
        const turn = assistant();
        turn.toolCalls.push({ id: requireName(item, "call_id", param), type: "function", function: { name, arguments: callArguments } });
        turn.callPaths.push(param);
        break;
      }
      case "reasoning":
        reasoningOf(item, assistant());
        break;
      case "function_call_output":
      case "custom_tool_call_output": {
        closeTurn();
        const callId = requireName(item, "call_id", param);
        push({ role: "tool", tool_call_id: callId, content: toContent(item.output, `${param}.output`) }, { kind: "output", path: param });
        unanswered.delete(callId);
        if (unanswered.size === 0) releaseHeld();
        break;
      }
      case "item_reference":
        throw invalidRequest(`${param} is an item_reference; this proxy keeps no stored items, so send the item itself.`, `${param}.type`, "unsupported_item");
      default:
        throw invalidRequest(`${param}.type '${String(type)}' is not supported; input items may be ${SUPPORTED_ITEMS}.`, `${param}.type`, "unsupported_item");
    }
  }
  closeTurn();
  releaseHeld();
  return { messages, origins };
}
