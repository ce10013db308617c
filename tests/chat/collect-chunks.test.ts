import { describe, expect, test } from "bun:test";
import { collectChunks } from "../../src/chat/collect-chunks";
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from "../../src/chat/types";
import { ProxyError } from "../../src/errors";

const base = { id: "chatcmpl-1", object: "chat.completion.chunk" as const, created: 7, model: "m" };
const delta = (value: ChunkDelta, finishReason: FinishReason | null = null, index = 0): ChatCompletionChunk => ({
  ...base,
  choices: [{ index, delta: value, finish_reason: finishReason }],
});
const streamOf = (chunks: ChatCompletionChunk[], onCancel?: () => void) =>
  new ReadableStream<ChatCompletionChunk>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel: onCancel,
  });

describe("collectChunks", () => {
  test("assembles content, reasoning, finish reason and usage", async () => {
    const completion = await collectChunks(
      streamOf([
        delta({ role: "assistant", content: "" }),
        delta({ reasoning_content: "think " }),
        delta({ reasoning_content: "more" }),
        delta({ content: "Hello" }),
        delta({ content: " world" }),
        delta({}, "stop"),
        { ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
      ]),
    );
    expect(completion).toEqual({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 7,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello world", refusal: null, reasoning_content: "think more" }, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  test("merges parallel tool-call deltas by index into whole calls", async () => {
    const completion = await collectChunks(
      streamOf([
        delta({ role: "assistant", tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "read_file", arguments: "" } }] }),
        delta({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "list_files", arguments: '{"pa' } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: '"a.ts"}' } }] }),
        delta({ tool_calls: [{ index: 1, function: { arguments: 'th":"."}' } }] }),
        delta({}, "tool_calls"),
      ]),
    );
    const message = completion.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toEqual([
      { id: "call_a", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } },
      { id: "call_b", type: "function", function: { name: "list_files", arguments: '{"path":"."}' } },
    ]);
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("an error chunk rejects with a ProxyError and cancels the source", async () => {
    let cancelled = false;
    const failing = collectChunks(
      streamOf(
        [delta({ content: "part" }), { ...base, choices: [], error: { message: "CLI crashed", type: "upstream_error", code: "claude_cli_exit", param: null } }, delta({ content: "never" })],
        () => {
          cancelled = true;
        },
      ),
    );
    const error = await failing.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ status: 502, type: "upstream_error", code: "claude_cli_exit", message: "CLI crashed", retryable: true });
    expect(cancelled).toBe(true);
  });

  test("an empty stream is an error, not an empty completion", async () => {
    await expect(collectChunks(streamOf([]))).rejects.toMatchObject({ status: 502, code: "empty_stream" });
  });
});
