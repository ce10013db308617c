import { describe, expect, test } from "bun:test";
import { assembleChunks } from "../../src/chat/chunk-assembler";
import { deltaChunk, usageChunk } from "../../src/chat/chunks";
import { completionChunks } from "../../src/chat/completion-chunks";
import type { ChatCompletion, ChatCompletionChunk } from "../../src/chat/types";

/**
 * A stream's answer kept whole (the response cache keeps streamed answers so) and a whole answer
 * served as a stream (a cache hit for a client that streams) keep what the Anthropic door gives
 * back beside the content: the stop reason the finish reason loses, the stop sequence, the
 * code-execution container, and (served as a stream) the prompt's usage at the start.
 */
const head = { id: "msg_01RoundTrip", created: 0, model: "claude-sonnet-4-6" };
const container = { id: "container_1", expires_at: "2026-12-02T08:30:00Z" };
const usage = { prompt_tokens: 12468, completion_tokens: 9, total_tokens: 12477, prompt_tokens_details: { cached_tokens: 10240, cache_write_tokens: 2048 } };

function stream(): ChatCompletionChunk[] {
  const finish = deltaChunk(head, { anthropic: { container } }, "stop");
  finish.choices[0]!.native_finish_reason = "stop_sequence";
  finish.choices[0]!.stop_sequence = "4,";
  return [deltaChunk(head, { role: "assistant", content: "" }), deltaChunk(head, { content: "1, 2, 3, " }), finish, usageChunk(head, usage)];
}

describe("kept whole, served again", () => {
  test("a stream's answer keeps the native stop reason, the stop sequence and the container", () => {
    const completion = assembleChunks(stream());
    expect(completion.choices[0]).toMatchObject({ finish_reason: "stop", native_finish_reason: "stop_sequence", stop_sequence: "4," });
    expect(completion.choices[0]!.message.anthropic).toEqual({ container });
  });

  test("an ordinary stream's answer has none of them", () => {
    const completion = assembleChunks([deltaChunk(head, { content: "Hi" }), deltaChunk(head, {}, "stop")]);
    expect(completion.choices[0]).toEqual({ index: 0, message: { role: "assistant", content: "Hi", refusal: null }, finish_reason: "stop", logprobs: null });
  });

  test("a whole answer as a stream: the prompt's usage first, then the same stop and container at the finish", () => {
    const completion: ChatCompletion = assembleChunks(stream());
    const chunks = completionChunks(completion);
    expect(chunks[0]!.start_usage).toEqual({ prompt_tokens: 12468, completion_tokens: 0, total_tokens: 12468, prompt_tokens_details: { cached_tokens: 10240, cache_write_tokens: 2048 } });
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason)!;
    expect(finish.choices[0]).toMatchObject({ delta: { anthropic: { container } }, native_finish_reason: "stop_sequence", stop_sequence: "4," });
    expect(assembleChunks(chunks)).toEqual(completion);
  });
});
