import { describe, expect, test } from "bun:test";
import { deltaChunk, usageChunk } from "../../../src/chat/chunks";
import type { ChatCompletion, ChatCompletionChunk, Usage } from "../../../src/chat/types";
import { createMessageEventBuilder } from "../../../src/doors/anthropic/message-stream-events";
import { toAnthropicMessage } from "../../../src/doors/anthropic/to-anthropic-message";

/**
 * The Anthropic door gives back what the API would have said: message_start's usage (the prompt's
 * tokens when the upstream reported them at the start, Anthropic's shape of zeros when not), the
 * stop sequence that matched (only when the upstream named it) and a code-execution container.
 */
const head = { id: "msg_01Fields", created: 0, model: "claude-sonnet-4-6" };
const container = { id: "container_011CPR5CNjB747bTd36fQLFk", expires_at: "2026-12-02T08:30:00.000000Z" };
const finalUsage: Usage = { prompt_tokens: 12468, completion_tokens: 9, total_tokens: 12477, prompt_tokens_details: { cached_tokens: 10240, cache_write_tokens: 2048 } };
const startUsage: Usage = { ...finalUsage, completion_tokens: 1, total_tokens: 12469 };

function events(chunks: ChatCompletionChunk[]) {
  const builder = createMessageEventBuilder("task-1");
  return [...chunks.flatMap((item) => builder.push(item)), ...builder.finish()];
}

function answer(first: ChatCompletionChunk, finish: ChatCompletionChunk, usage: Usage = finalUsage) {
  return events([first, deltaChunk(head, { content: "1, 2, 3" }), finish, usageChunk(head, usage)]);
}

const role = () => deltaChunk(head, { role: "assistant", content: "" });
const stopped = (fields: Partial<ChatCompletionChunk["choices"][number]> = {}) => {
  const chunk = deltaChunk(head, {}, "stop");
  Object.assign(chunk.choices[0]!, fields);
  return chunk;
};
const messageStart = (stream: ReturnType<typeof events>) => (stream[0] as unknown as { message: { usage: unknown } }).message;
const messageDelta = (stream: ReturnType<typeof events>) => stream.find((event) => event.type === "message_delta")!;

describe("message_start usage", () => {
  test("the prompt's tokens the upstream reported at the start, split as Anthropic counts them", () => {
    const first = role();
    first.start_usage = startUsage;
    const stream = answer(first, stopped());
    expect(messageStart(stream).usage).toEqual({ input_tokens: 180, cache_creation_input_tokens: 2048, cache_read_input_tokens: 10240, output_tokens: 1 });
    expect(messageDelta(stream).usage).toEqual({ input_tokens: 180, output_tokens: 9, cache_creation_input_tokens: 2048, cache_read_input_tokens: 10240 });
  });

  test("unknown at the start (an OpenAI upstream): Anthropic's shape, all zeros; the end has the real counts", () => {
    const stream = answer(role(), stopped());
    expect(messageStart(stream).usage).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
    expect(messageDelta(stream).usage).toMatchObject({ input_tokens: 180, output_tokens: 9 });
  });
});

describe("stop sequences", () => {
  test("a stop sequence the upstream named: stop_reason stop_sequence and the string, streamed", () => {
    const delta = messageDelta(answer(role(), stopped({ native_finish_reason: "stop_sequence", stop_sequence: "4," })));
    expect(delta.delta).toEqual({ stop_reason: "stop_sequence", stop_sequence: "4," });
  });

  test("named by an OpenAI-wire upstream (vLLM's stop_reason, kept as stop_sequence): the same", () => {
    expect(messageDelta(answer(role(), stopped({ stop_sequence: "4," }))).delta).toEqual({ stop_reason: "stop_sequence", stop_sequence: "4," });
  });

  test("not named (an OpenAI upstream's finish_reason stop): end_turn with null, as nothing says a sequence matched", () => {
    expect(messageDelta(answer(role(), stopped())).delta).toEqual({ stop_reason: "end_turn", stop_sequence: null });
    expect(messageDelta(answer(role(), stopped({ native_finish_reason: "stop_sequence" }))).delta).toEqual({ stop_reason: "end_turn", stop_sequence: null });
  });

  test("not streamed: the same", () => {
    const completion = (fields: Partial<ChatCompletion["choices"][number]>): ChatCompletion => ({
      ...head,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "1, 2, 3" }, finish_reason: "stop", logprobs: null, ...fields }],
      usage: finalUsage,
    });
    expect(toAnthropicMessage(completion({ native_finish_reason: "stop_sequence", stop_sequence: "4," }), "task-1")).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4," });
    expect(toAnthropicMessage(completion({}), "task-1")).toMatchObject({ stop_reason: "end_turn", stop_sequence: null });
  });
});

describe("code execution's container", () => {
  test("streamed: in message_delta's delta, as the API sends it", () => {
    const delta = messageDelta(answer(role(), { ...stopped(), choices: [{ index: 0, delta: { anthropic: { container } }, finish_reason: "stop" }] }));
    expect(delta.delta).toEqual({ stop_reason: "end_turn", stop_sequence: null, container });
  });

  test("no container, no field", () => {
    expect(messageDelta(answer(role(), stopped())).delta).not.toHaveProperty("container");
  });

  test("not streamed: the message's top-level container; the content is still built from the chat fields", () => {
    const message = toAnthropicMessage(
      {
        ...head,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: "Done.", anthropic: { container } }, finish_reason: "stop", logprobs: null }],
        usage: finalUsage,
      },
      "task-1",
    );
    expect(message.container).toEqual(container);
    expect(message.content).toEqual([{ type: "text", text: "Done." }]);
  });
});
