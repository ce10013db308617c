import { describe, expect, test } from "bun:test";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { fromAnthropicMessage } from "../../src/providers/anthropic/from-anthropic-message";
import { type AnthropicStreamEvent, createAnthropicEventTransformer } from "../../src/stream-transformers/anthropic-events";

/**
 * What an Anthropic answer says beyond the chat fields and the Anthropic door gives back: the
 * prompt's usage at message_start, the stop sequence that matched, a code-execution container.
 */
async function replay(events: unknown[]): Promise<ChatCompletionChunk[]> {
  const source = new ReadableStream<AnthropicStreamEvent>({
    start(controller) {
      for (const event of events) controller.enqueue(event as AnthropicStreamEvent);
      controller.close();
    },
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of source.pipeThrough(createAnthropicEventTransformer("claude-sonnet-4-6"))) chunks.push(chunk);
  return chunks;
}

const container = { id: "container_011CPR5CNjB747bTd36fQLFk", expires_at: "2026-12-02T08:30:00.000000Z" };
const startUsage = { input_tokens: 180, cache_creation_input_tokens: 2048, cache_read_input_tokens: 10240, output_tokens: 1, service_tier: "standard" };

function stream(stop: Record<string, unknown>, start: Record<string, unknown> = {}) {
  return [
    { type: "message_start", message: { id: "msg_01Fields", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage: startUsage, ...start } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "1, 2, 3" } },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null, ...stop }, usage: { output_tokens: 9 } },
    { type: "message_stop" },
  ];
}

describe("Anthropic stream → chunks", () => {
  test("message_start's usage rides on the first chunk as start_usage; the answer's usage still ends the stream", async () => {
    const chunks = await replay(stream({}));
    expect(chunks[0]!.start_usage).toEqual({
      prompt_tokens: 180 + 2048 + 10240,
      completion_tokens: 1,
      total_tokens: 180 + 2048 + 10240 + 1,
      prompt_tokens_details: { cached_tokens: 10240, cache_write_tokens: 2048 },
    });
    expect(chunks[0]!.usage).toBeUndefined();
    expect(chunks.slice(1).every((chunk) => chunk.start_usage === undefined)).toBe(true);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 180 + 2048 + 10240, completion_tokens: 9 });
  });

  test("a message_start without usage gives no start_usage", async () => {
    const events = stream({});
    delete (events[0]!.message as Record<string, unknown>).usage;
    expect((await replay(events))[0]!.start_usage).toBeUndefined();
  });

  test("a stop sequence's string is kept beside the finish reason", async () => {
    const finish = (await replay(stream({ stop_reason: "stop_sequence", stop_sequence: "4," }))).find((chunk) => chunk.choices[0]?.finish_reason)!;
    expect(finish.choices[0]).toMatchObject({ finish_reason: "stop", native_finish_reason: "stop_sequence", stop_sequence: "4," });
  });

  test("an ordinary stop carries no stop sequence", async () => {
    const finish = (await replay(stream({}))).find((chunk) => chunk.choices[0]?.finish_reason)!;
    expect(finish.choices[0]).not.toHaveProperty("stop_sequence");
  });

  test("the container of message_delta rides on the finish chunk", async () => {
    const finish = (await replay(stream({ container }))).find((chunk) => chunk.choices[0]?.finish_reason)!;
    expect(finish.choices[0]!.delta).toEqual({ anthropic: { container } });
  });

  test("a container named at message_start is kept to the finish", async () => {
    const finish = (await replay(stream({}, { container }))).find((chunk) => chunk.choices[0]?.finish_reason)!;
    expect(finish.choices[0]!.delta).toEqual({ anthropic: { container } });
  });
});

describe("Anthropic Message → completion", () => {
  const message = (fields: Partial<Message>) =>
    ({
      id: "msg_01Fields",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [{ type: "text", text: "1, 2, 3", citations: null }],
      stop_reason: "end_turn",
      stop_sequence: null,
      container: null,
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      ...fields,
    }) as Message;

  test("the stop sequence's string is kept", () => {
    const choice = fromAnthropicMessage(message({ stop_reason: "stop_sequence", stop_sequence: "4," })).choices[0]!;
    expect(choice).toMatchObject({ finish_reason: "stop", native_finish_reason: "stop_sequence", stop_sequence: "4," });
    expect(fromAnthropicMessage(message({})).choices[0]).not.toHaveProperty("stop_sequence");
  });

  test("the container is kept on the message, without making the content Anthropic's own", () => {
    const completion = fromAnthropicMessage(message({ container: { ...container, skills: null } }));
    expect(completion.choices[0]!.message.anthropic).toEqual({ container: { ...container, skills: null } });
    expect(fromAnthropicMessage(message({})).choices[0]!.message).not.toHaveProperty("anthropic");
  });
});
