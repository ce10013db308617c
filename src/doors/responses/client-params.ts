/**
 * Where each internal chat message came from in the client's Responses request, so a refusal
 * raised on the internal request (a provider that cannot take a content part: `messages[1].content[0]`)
 * names the client's own field (`input[0].content[0]`). A message whose content was built from
 * several items (an assistant turn) names only its tool calls; anything with no faithful mapping
 * (an upstream's own param, which names the request the provider sent, not the client's) is null.
 */
export type MessageOrigin =
  /** A string field that is the whole content (`instructions`, `input` as a string). */
  | { kind: "text"; path: string }
  /** A message item: its content parts map one to one. */
  | { kind: "message"; path: string }
  /** A function_call_output / custom_tool_call_output item: content is its `output`. */
  | { kind: "output"; path: string }
  /** An assistant turn: only its tool calls map, each to the item it came from. */
  | { kind: "assistant"; calls: string[] };

/** Internal top-level fields as the Responses request names them. */
const TOP_LEVEL: Record<string, string> = {
  model: "model",
  messages: "input",
  tools: "tools",
  tool_choice: "tool_choice",
  parallel_tool_calls: "parallel_tool_calls",
  max_completion_tokens: "max_output_tokens",
  max_tokens: "max_output_tokens",
  temperature: "temperature",
  top_p: "top_p",
  reasoning_effort: "reasoning.effort",
  response_format: "text.format",
  user: "user",
  metadata: "metadata",
};

const messagePath = /^messages\[(\d+)\](.*)$/;
const contentPath = /^\.content(\[\d+\].*)?$/;
const toolCallPath = /^\.tool_calls\[(\d+)\](.*)$/;
const CALL_FIELDS: Record<string, string> = { "": "", ".id": ".call_id", ".function.name": ".name", ".function.arguments": ".arguments" };

function messageParam(origin: MessageOrigin | undefined, rest: string): string | null {
  if (!origin) return null;
  if (origin.kind === "text") return rest === "" || rest === ".content" ? origin.path : null;
  if (origin.kind === "assistant") {
    const call = toolCallPath.exec(rest);
    const path = call ? origin.calls[Number(call[1])] : undefined;
    const field = call ? CALL_FIELDS[call[2]!] : undefined;
    return path !== undefined && field !== undefined ? path + field : null;
  }
  if (rest === "") return origin.path;
  const content = contentPath.exec(rest);
  if (origin.kind === "output") {
    if (rest === ".tool_call_id") return `${origin.path}.call_id`;
    return content ? `${origin.path}.output${content[1] ?? ""}` : null;
  }
  return content ? `${origin.path}${rest}` : rest === ".role" ? `${origin.path}.role` : null;
}

/** The param of an error on the internal request, as a path in the client's request, or null. */
export function clientParam(param: string | null, origins: readonly MessageOrigin[]): string | null {
  if (param === null) return null;
  const message = messagePath.exec(param);
  if (message) return messageParam(origins[Number(message[1])], message[2]!);
  return TOP_LEVEL[param] ?? null;
}
