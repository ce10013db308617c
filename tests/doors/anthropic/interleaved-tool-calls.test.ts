import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { ChatCompletionChunk, ChunkDelta, ToolCallDelta } from "../../../src/chat/types";
import { anthropicEncoder } from "../../../src/doors/anthropic/anthropic-encoder";
import { createMessageEventBuilder, type MessageStreamEvent } from "../../../src/doors/anthropic/message-stream-events";
import { type AnthropicSseEvent, grammarViolations, parseAnthropicSse } from "../../helpers/anthropic-stream-grammar";

/**
 * Parallel tool calls whose argument deltas come interleaved (call 0, call 1, call 0 again), as some
 * OpenAI-compatible servers send them, through the Messages door's stream encoder. Anthropic's
 * grammar has one open block at a time and a stopped block cannot be reopened, so the calls after
 * the open one are held and written whole before message_delta. A stream that sends each call whole
 * must get exactly the events it got before holding existed.
 */
const TASK_ID = "5b0f0a3c-1d2e-4f50-8a9b-c0d1e2f3a4b5";

const chunk = (delta: ChunkDelta, finish: ChatCompletionChunk["choices"][number]["finish_reason"] = null): ChatCompletionChunk => ({
  id: "chatcmpl-interleaved",
  object: "chat.completion.chunk",
  created: 1,
  model: "qwen3-coder",
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const call = (index: number, args: string, head?: { id: string; name: string }): ToolCallDelta =>
  (head ? { index, id: head.id, type: "function", function: { name: head.name, arguments: args } } : { index, function: { arguments: args } }) as ToolCallDelta;
const tools = (...calls: ToolCallDelta[]) => chunk({ tool_calls: calls });
const usage: ChatCompletionChunk = { ...chunk({}), choices: [], usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 } };

const READ = { id: "call_read", name: "read_file" };
const LIST = { id: "call_list", name: "list_files" };

/** Two calls: each's id and name first, then their arguments in alternating pieces. */
const interleaved: ChatCompletionChunk[] = [
  chunk({ role: "assistant", content: "Looking." }),
  tools(call(0, "", READ)),
  tools(call(0, '{"path":'), call(1, "", LIST)),
  tools(call(1, '{"dir":')),
  tools(call(0, '"a.ts"}')),
  tools(call(1, '"src"}')),
  chunk({}, "tool_calls"),
  usage,
];

const streamOf = (chunks: ChatCompletionChunk[]) =>
  new ReadableStream<ChatCompletionChunk>({
    start(controller) {
      for (const item of chunks) controller.enqueue(item);
      controller.close();
    },
  });
const encode = (chunks: ChatCompletionChunk[]) =>
  anthropicEncoder(TASK_ID).stream(streamOf(chunks), new Headers(), { heartbeatMs: 60_000, signal: new AbortController().signal });

function eventsOf(chunks: ChatCompletionChunk[]): MessageStreamEvent[] {
  const builder = createMessageEventBuilder(TASK_ID);
  return [...chunks.flatMap((item) => builder.push(item)), ...builder.finish()];
}

async function sseOf(chunks: ChatCompletionChunk[]): Promise<AnthropicSseEvent[]> {
  const parsed = parseAnthropicSse(await encode(chunks).text());
  expect(grammarViolations(parsed)).toEqual([]);
  return parsed;
}

async function throughSdk(chunks: ChatCompletionChunk[]): Promise<Anthropic.Message> {
  const client = new Anthropic({ apiKey: "unused", baseURL: "http://127.0.0.1:9", maxRetries: 0, fetch: async () => encode(chunks) });
  return client.messages.stream({ model: "qwen3-coder", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
}

describe("interleaved parallel tool calls", () => {
  test("keep the grammar and end with message_delta, not an error", async () => {
    const parsed = await sseOf(interleaved);
    expect(parsed.map((event) => event.data.type)).not.toContain("error");
    expect(parsed.map((event) => event.data.type).slice(-2)).toEqual(["message_delta", "message_stop"]);
  });

  test("the SDK assembles both calls with their ids, names and whole input; stop reason tool_use", async () => {
    const message = await throughSdk(interleaved);
    expect(message.content).toMatchObject([
      { type: "text", text: "Looking." },
      { type: "tool_use", id: "call_read", name: "read_file", input: { path: "a.ts" } },
      { type: "tool_use", id: "call_list", name: "list_files", input: { dir: "src" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 12 });
  });

  test("held calls come out in index order, even when the upstream starts them out of it", async () => {
    const message = await throughSdk([
      tools(call(0, '{"path":', READ)),
      tools(call(2, '{"n":', { id: "call_c", name: "c" })),
      tools(call(1, '{"dir":', LIST)),
      tools(call(2, "3}"), call(0, '"a"}'), call(1, '"b"}')),
      chunk({}, "tool_calls"),
    ]);
    expect(message.content.map((block) => (block as Anthropic.ToolUseBlock).id)).toEqual(["call_read", "call_list", "call_c"]);
    expect(message.content.map((block) => (block as Anthropic.ToolUseBlock).input)).toEqual([{ path: "a" }, { dir: "b" }, { n: 3 }]);
  });

  test("text after held calls follows them", async () => {
    const message = await throughSdk([tools(call(0, "{}", READ)), tools(call(1, "", LIST)), tools(call(1, "{}")), chunk({ content: "Done." }), chunk({}, "stop")]);
    expect(message.content.map((block) => block.type)).toEqual(["tool_use", "tool_use", "text"]);
    expect((message.content[1] as Anthropic.ToolUseBlock).input).toEqual({});
  });

  test("a stream cut while calls are held stops the open block and ends with the error event", async () => {
    const cut: ChatCompletionChunk = { ...chunk({}), choices: [], error: { type: "upstream_error", code: "stream_cut", message: "The upstream connection closed mid-stream.", param: null } };
    const parsed = await sseOf([tools(call(0, '{"path":', READ)), tools(call(1, '{"dir":', LIST)), tools(call(0, '"a"}')), cut]);
    expect(parsed.map((event) => event.data.type)).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "error"]);
  });

  test("calls sent whole, one after another, give the same events as before: block by block, fragment by fragment", () => {
    const events = eventsOf([
      tools(call(0, "", READ)),
      tools(call(0, '{"path":')),
      tools(call(0, '"a.ts"}')),
      tools(call(1, '{"dir":', LIST)),
      tools(call(1, '"src"}')),
      chunk({}, "tool_calls"),
    ]);
    const shape = events.map((event) => [event.type, event.index, (event.delta as { partial_json?: string } | undefined)?.partial_json, (event.content_block as { id?: string } | undefined)?.id]);
    expect(shape).toEqual([
      ["message_start", undefined, undefined, undefined],
      ["content_block_start", 0, undefined, "call_read"],
      ["content_block_delta", 0, '{"path":', undefined],
      ["content_block_delta", 0, '"a.ts"}', undefined],
      ["content_block_stop", 0, undefined, undefined],
      ["content_block_start", 1, undefined, "call_list"],
      ["content_block_delta", 1, '{"dir":', undefined],
      ["content_block_delta", 1, '"src"}', undefined],
      ["content_block_stop", 1, undefined, undefined],
      ["message_delta", undefined, undefined, undefined],
      ["message_stop", undefined, undefined, undefined],
    ]);
  });

  test("a fragment for a call whose block stopped before other content is still refused", async () => {
    const parsed = parseAnthropicSse(await encode([tools(call(0, "{", READ)), chunk({ content: "x" }), tools(call(0, "}"))]).text());
    expect((parsed.at(-1)!.data.error as { message: string }).message).toContain("after the call had ended");
  });
});
