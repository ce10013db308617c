import { describe, expect, test } from "bun:test";
import { type ChunkHead, deltaChunk, errorChunk, usageChunk } from "../../src/chat/chunks";

const head: ChunkHead = { id: "chatcmpl-7", created: 1_700_000_000, model: "claude-haiku-4-5" };

describe("chunk helpers", () => {
  test("a delta chunk has one choice at index 0, no finish reason unless given", () => {
    expect(deltaChunk(head, { content: "Hi" })).toEqual({
      id: "chatcmpl-7",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "claude-haiku-4-5",
      choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }],
    });
    expect(deltaChunk(head, {}, "tool_calls").choices).toEqual([{ index: 0, delta: {}, finish_reason: "tool_calls" }]);
  });

  test("the usage chunk has no choices", () => {
    const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
    expect(usageChunk(head, usage)).toEqual({ ...head, object: "chat.completion.chunk", choices: [], usage });
  });

  test("the error chunk defaults to upstream_error and a null param, and keeps what it is given", () => {
    expect(errorChunk(head, { message: "Overloaded", code: "overloaded_error" }).error).toEqual({ message: "Overloaded", type: "upstream_error", code: "overloaded_error", param: null });
    const timeout = errorChunk(head, { message: "Silent", type: "timeout_error", code: "upstream_timeout", param: "model" });
    expect(timeout).toMatchObject({ choices: [], error: { type: "timeout_error", code: "upstream_timeout", param: "model" } });
  });

  test("a chunk copies the head: a later change to the head does not reach chunks already built", () => {
    const moving: ChunkHead = { ...head };
    const first = deltaChunk(moving, { content: "a" });
    moving.id = "msg_later";
    expect(first.id).toBe("chatcmpl-7");
    expect(deltaChunk(moving, { content: "b" }).id).toBe("msg_later");
  });
});
