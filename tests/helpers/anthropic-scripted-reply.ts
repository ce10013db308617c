/**
 * A scripted Anthropic Messages reply (content blocks, stop reason, usage), rendered either as the
 * non-streaming JSON `Message` body or as the stream events the real API sends for it:
 * message_start, content_block_start, ping (after the first block start, as the API does),
 * content_block_delta (text_delta / thinking_delta + signature_delta / input_json_delta starting
 * with an empty fragment), content_block_stop, message_delta (stop reason and cumulative usage),
 * message_stop. Shapes follow https://docs.anthropic.com/en/docs/build-with-claude/streaming.
 */
export type ScriptedBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id?: string; name: string; input: Record<string, unknown> };

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export interface ScriptedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface ScriptedReply {
  content: ScriptedBlock[];
  /** Defaults to tool_use when a tool_use block is present, else end_turn. */
  stopReason?: AnthropicStopReason;
  stopSequence?: string | null;
  usage?: Partial<ScriptedUsage>;
  /** Defaults to the model of the request. */
  model?: string;
  id?: string;
  /** A code-execution answer's container: the Message's `container`, message_delta's `delta.container`. */
  container?: { id: string; expires_at: string };
}

export type AnthropicEvent = { type: string } & Record<string, unknown>;

const defaultUsage: ScriptedUsage = { input_tokens: 25, output_tokens: 12, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
let sequence = 0;
const nextId = (prefix: string) => `${prefix}_01Mock${String(++sequence).padStart(18, "0")}`;

function resolve(reply: ScriptedReply, requestModel: string) {
  const usage = { ...defaultUsage, ...reply.usage };
  const hasTool = reply.content.some((block) => block.type === "tool_use");
  const stopReason = reply.stopReason ?? (hasTool ? "tool_use" : "end_turn");
  const content = reply.content.map((block) => (block.type === "tool_use" ? { ...block, id: block.id ?? nextId("toolu") } : block));
  return { id: reply.id ?? nextId("msg"), model: reply.model ?? requestModel, usage, stopReason, content };
}

function fullUsage(usage: ScriptedUsage) {
  return {
    input_tokens: usage.input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: usage.output_tokens,
    service_tier: "standard",
  };
}

function completeBlock(block: ReturnType<typeof resolve>["content"][number]) {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature ?? "EqMBCkYIBxgCKkBmockSignature==" };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
  }
}

/** The body of a non-streaming `POST /v1/messages` answer. */
export function renderMessage(reply: ScriptedReply, requestModel: string): Record<string, unknown> {
  const resolved = resolve(reply, requestModel);
  return {
    id: resolved.id,
    type: "message",
    role: "assistant",
    model: resolved.model,
    content: resolved.content.map(completeBlock),
    stop_reason: resolved.stopReason,
    stop_sequence: reply.stopSequence ?? null,
    usage: fullUsage(resolved.usage),
    ...(reply.container ? { container: reply.container } : {}),
  };
}

/** Splits text after each space, as the API's token-sized deltas roughly do. */
function fragments(text: string): string[] {
  const parts = text.match(/\S*\s*/g)?.filter((part) => part !== "") ?? [];
  return parts.length > 0 ? parts : [text];
}

function chunkString(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  return parts;
}

/** The stream events of a streaming `POST /v1/messages` answer, in order. */
export function renderStreamEvents(reply: ScriptedReply, requestModel: string): AnthropicEvent[] {
  const resolved = resolve(reply, requestModel);
  const events: AnthropicEvent[] = [
    {
      type: "message_start",
      message: {
        id: resolved.id,
        type: "message",
        role: "assistant",
        model: resolved.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...fullUsage(resolved.usage), output_tokens: 1 },
      },
    },
  ];
  for (const [index, block] of resolved.content.entries()) {
    const delta = (payload: Record<string, unknown>) => events.push({ type: "content_block_delta", index, delta: payload });
    switch (block.type) {
      case "text":
        events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
        if (index === 0) events.push({ type: "ping" });
        for (const text of fragments(block.text)) delta({ type: "text_delta", text });
        break;
      case "thinking":
        events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
        if (index === 0) events.push({ type: "ping" });
        for (const thinking of fragments(block.thinking)) delta({ type: "thinking_delta", thinking });
        delta({ type: "signature_delta", signature: block.signature ?? "EqMBCkYIBxgCKkBmockSignature==" });
        break;
      case "redacted_thinking":
        events.push({ type: "content_block_start", index, content_block: { type: "redacted_thinking", data: block.data } });
        if (index === 0) events.push({ type: "ping" });
        break;
      case "tool_use":
        events.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
        if (index === 0) events.push({ type: "ping" });
        delta({ type: "input_json_delta", partial_json: "" });
        for (const partial_json of chunkString(JSON.stringify(block.input), 10)) delta({ type: "input_json_delta", partial_json });
        break;
    }
    events.push({ type: "content_block_stop", index });
  }
  const usage = resolved.usage;
  events.push({
    type: "message_delta",
    delta: { stop_reason: resolved.stopReason, stop_sequence: reply.stopSequence ?? null, ...(reply.container ? { container: reply.container } : {}) },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
    },
  });
  events.push({ type: "message_stop" });
  return events;
}
