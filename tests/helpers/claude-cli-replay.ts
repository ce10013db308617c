import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { type ClaudeCliTransformerOptions, createClaudeCliEventTransformer } from "../../src/stream-transformers/claude-cli-events";
import { createNdjsonDecoder } from "../../src/streams/ndjson-decoder";

/** Replays recorded `claude -p --output-format stream-json` output through decoder and transformer, and builds such lines by hand. */
const fixtureDir = join(import.meta.dir, "..", "fixtures", "claude-cli");
export const fixture = (name: string) => readFileSync(join(fixtureDir, `${name}.jsonl`), "utf8");

export async function replay(text: string, extra: unknown[] = [], options: Partial<ClaudeCliTransformerOptions> = {}): Promise<ChatCompletionChunk[]> {
  const bytes = new TextEncoder().encode(text);
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      // Odd-sized pieces, so lines are split across chunk boundaries as a pipe splits them.
      for (let start = 0; start < bytes.length; start += 97) controller.enqueue(bytes.slice(start, start + 97));
      controller.close();
    },
  });
  const events = source.pipeThrough(createNdjsonDecoder());
  const withExtra = extra.length === 0 ? events : concat(events, extra);
  return Array.fromAsync(withExtra.pipeThrough(createClaudeCliEventTransformer({ model: "claude-sonnet-4-5", id: "chatcmpl-test", created: 1, ...options })));
}

function concat(events: ReadableStream<unknown>, extra: unknown[]): ReadableStream<unknown> {
  return new ReadableStream({
    async start(controller) {
      for await (const event of events) controller.enqueue(event);
      for (const event of extra) controller.enqueue(event);
      controller.close();
    },
  });
}

export const lines = (...values: unknown[]) => values.map((value) => (typeof value === "string" ? value : JSON.stringify(value))).join("\n") + "\n";
export const content = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
export const reasoning = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("");
export const streamEvent = (event: unknown) => ({ type: "stream_event", event, session_id: "s", uuid: crypto.randomUUID() });
export const textDelta = (text: string) => streamEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
export const messageStart = streamEvent({ type: "message_start", message: { id: "msg_1", usage: { input_tokens: 1, output_tokens: 1 } } });
export const success = { type: "result", subtype: "success", is_error: false, stop_reason: "end_turn", result: "Hi", usage: { input_tokens: 5, output_tokens: 2 } };
