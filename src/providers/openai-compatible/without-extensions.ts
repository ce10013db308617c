import { anthropicOptionNames } from "../../chat/anthropic-options";
import { parseDataUrl } from "../../chat/data-url";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";

/**
 * The chat request as an OpenAI-wire upstream should see it, without the proxy's declared
 * extensions that mean nothing there:
 * - `anthropic` (on the request and on tools: what only the Messages API reads) always goes;
 * - a plain-text document (a file part with a text/plain data URL, as the Anthropic door passes
 *   text documents) becomes a text part, since chat-completions files are PDFs;
 * - with `strict` (OpenAI itself, which answers 400 to fields it does not define): the
 *   Anthropic-form `thinking` object, `top_k`, `cache_control` marks, a tool message's
 *   `is_error` (a failed tool_result from the Anthropic door; its text says what failed) and an
 *   assistant turn's `reasoning_content` / `reasoning_details` (what another provider's model
 *   thought, sent back by the client after the router switched providers) go too. Other OpenAI-wire
 *   servers keep them: some define them (OpenRouter and DashScope read `cache_control`, vLLM
 *   `top_k`), and the rest ignore unknown fields.
 * What is left out is named in one debug line. Nothing is copied unless something changes.
 */
export function withoutExtensions(request: ChatRequest, strict: boolean, model: string, logger: Logger): ChatRequest {
  // Made only when something is left out: most requests allocate nothing here.
  let dropped = request.anthropic === undefined ? undefined : new Set<string>(anthropicOptionNames(request.anthropic));
  let result: ChatRequest = request;
  const update = (changes: Partial<ChatRequest>) => {
    result = result === request ? { ...request, ...changes } : Object.assign(result, changes);
  };
  if (request.anthropic !== undefined) {
    const { anthropic: _anthropic, ...rest } = request;
    result = rest as ChatRequest;
  }
  if (strict) {
    for (const field of ["thinking", "top_k"] as const) {
      if (result[field] !== undefined) {
        const { [field]: _field, ...rest } = result;
        result = rest as ChatRequest;
        dropped = withName(dropped, field);
      }
    }
  }
  const marks: MarkScan = { strict, found: false, toolErrors: false, reasoning: undefined };
  const messages = copiedOnChange(request.messages, (message) => cleanItem(message, marks));
  if (messages !== request.messages) update({ messages });
  if (request.tools?.some((tool) => tool.anthropic !== undefined || (strict && tool.cache_control !== undefined))) {
    update({ tools: request.tools.map(({ anthropic: _anthropic, ...tool }) => (strict ? withoutMark(tool) : tool)) });
  }
  if (marks.found) dropped = withName(dropped, "cache_control");
  if (marks.toolErrors) dropped = withName(dropped, "is_error");
  for (const name of marks.reasoning ?? []) dropped = withName(dropped, name);
  if (dropped && dropped.size > 0) logger.debug("left out request fields the upstream does not take", { model, dropped: [...dropped] });
  return result;
}

function withName(names: Set<string> | undefined, name: string): Set<string> {
  return (names ?? new Set<string>()).add(name);
}

/** `items` mapped by `clean`: the same array when every item comes back the same, else a copy (map's result). */
function copiedOnChange<T>(items: readonly T[], clean: (item: T) => T): T[] {
  let copy: T[] | undefined;
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const cleaned = clean(item);
    if (cleaned !== item) (copy ??= items.slice())[index] = cleaned;
  }
  return copy ?? (items as T[]);
}

interface MarkScan {
  strict: boolean;
  found: boolean;
  toolErrors: boolean;
  reasoning: Set<string> | undefined;
}

function withoutMark<T extends Record<string, unknown>>(item: T): T {
  if (item.cache_control === undefined) return item;
  const { cache_control: _mark, ...rest } = item;
  return rest as T;
}

type Message = ChatRequest["messages"][number];

function cleanItem(message: Message, scan: MarkScan): Message {
  let result = message;
  if (scan.strict && message.cache_control !== undefined) {
    scan.found = true;
    result = withoutMark(message);
  }
  if (scan.strict && message.role === "tool" && "is_error" in message) {
    scan.toolErrors = true;
    const { is_error: _flag, ...rest } = result as Message & { is_error?: unknown };
    result = rest as Message;
  }
  if (scan.strict && message.role === "assistant" && ("reasoning_content" in message || "reasoning_details" in message)) {
    for (const name of ["reasoning_content", "reasoning_details"]) if (name in message) (scan.reasoning ??= new Set()).add(name);
    const { reasoning_content: _text, reasoning_details: _details, ...rest } = result as Message & { reasoning_content?: unknown; reasoning_details?: unknown };
    result = rest as Message;
  }
  if (Array.isArray(message.content)) {
    const parts = copiedOnChange(message.content as Part[], (part) => cleanPart(part, scan));
    if (parts !== message.content) result = { ...result, content: parts } as Message;
  }
  if (message.role === "assistant" && scan.strict && message.tool_calls?.some((call) => call.cache_control !== undefined)) {
    scan.found = true;
    result = { ...result, tool_calls: message.tool_calls.map((call) => withoutMark(call)) } as Message;
  }
  return result;
}

type Part = Exclude<Message["content"], string | null | undefined>[number];

function cleanPart(part: Part, scan: MarkScan): Part {
  let result = part;
  if (scan.strict && part.cache_control !== undefined) {
    scan.found = true;
    result = withoutMark(part);
  }
  if (part.type === "file") {
    const file = part.file as { file_data?: unknown; filename?: unknown } | undefined;
    const parsed = typeof file?.file_data === "string" ? parseDataUrl(file.file_data) : undefined;
    if (parsed?.mediaType === "text/plain") {
      const title = typeof file?.filename === "string" ? `${file.filename}\n\n` : "";
      return { type: "text", text: `${title}${Buffer.from(parsed.data, "base64").toString("utf8")}` };
    }
  }
  return result;
}
