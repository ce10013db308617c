import { describe, expect, test } from "bun:test";
import { type AssembledAnswer, assembleChunks } from "../../src/chat/chunk-assembler";
import type { ChatCompletionChunk } from "../../src/chat/types";
import type { Outcome } from "../../src/pipeline/outcome";
import { observeStream } from "../../src/pipeline/stream-observer";
import { createRedactor } from "../../src/security/redactor";

/**
 * The stream observer assembles a stream's answer as its chunks pass (for the finish hooks: the
 * cache stores it) instead of keeping every chunk until the end. What the hooks get must be what
 * assembling the kept chunks at the end made, a chunk the assembler cannot take must not reach the
 * client's stream, and the chunks already passed must not be kept alive by the open stream.
 */
const head = { id: "chatcmpl-1", object: "chat.completion.chunk" as const, created: 1762000000, model: "m" };
const chunk = (delta: Record<string, unknown>, extra: Partial<ChatCompletionChunk> = {}, finish: string | null = null): ChatCompletionChunk =>
  ({ ...head, choices: [{ index: 0, delta, finish_reason: finish }], ...extra }) as ChatCompletionChunk;

const answerChunks = (): ChatCompletionChunk[] => [
  chunk({ role: "assistant", content: "" }, { system_fingerprint: "fp" }),
  chunk({ reasoning_content: "think " }),
  chunk({ reasoning_details: [{ type: "reasoning.text", index: 0, text: "a" }] }),
  chunk({ reasoning_details: [{ type: "reasoning.text", index: 0, text: "b", signature: "s" }] }),
  chunk({ content: "Hello" }),
  chunk({ content: " world" }),
  chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "look", arguments: '{"q":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
  { ...head, choices: [{ index: 1, delta: { content: "second choice" }, finish_reason: "stop" }] } as ChatCompletionChunk,
  chunk({}, {}, "tool_calls"),
  { ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } } as ChatCompletionChunk,
];

/** Chunks made only when pulled, so the source holds none of them. */
function lazySource(count: number, make: (index: number) => ChatCompletionChunk, onMade?: (chunk: ChatCompletionChunk) => void): ReadableStream<ChatCompletionChunk> {
  let made = 0;
  return new ReadableStream<ChatCompletionChunk>(
    {
      pull(controller) {
        if (made === count) return controller.close();
        const next = make(made++);
        onMade?.(next);
        controller.enqueue(next);
      },
    },
    { highWaterMark: 0 },
  );
}

function observe(source: ReadableStream<ChatCompletionChunk>) {
  const ended: Array<{ outcome: Outcome; answer: AssembledAnswer | undefined }> = [];
  const stream = observeStream(source, {
    startedAt: performance.now(),
    clientSignal: new AbortController().signal,
    keepAnswer: true,
    redactor: createRedactor(),
    promptTokensEstimate: () => 0,
    onEnd: (outcome, answer) => ended.push({ outcome, answer }),
  });
  return { stream, ended };
}

describe("the answer a stream's finish hooks get", () => {
  test("is the completion assembled from every chunk, as assembling the kept chunks at the end made it", async () => {
    const chunks = answerChunks();
    const { stream, ended } = observe(lazySource(chunks.length, (index) => structuredClone(chunks[index]!)));
    const seen = await Array.fromAsync(stream);
    expect(seen).toEqual(chunks);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.outcome.completed).toBe(true);
    expect(ended[0]!.answer!.completion()).toEqual(assembleChunks(chunks));
  });

  test("a chunk the assembler cannot take reaches the client as it is; the answer then throws what assembling it threw", async () => {
    const chunks = answerChunks();
    // Not a list: assembling the kept chunks at the end threw on it (the observer itself never reads it).
    chunks.splice(5, 0, chunk({ content: "!", reasoning_details: {} }));
    const { stream, ended } = observe(lazySource(chunks.length, (index) => chunks[index]!));
    const seen = await Array.fromAsync(stream);
    expect(seen).toHaveLength(chunks.length);
    expect(ended[0]!.outcome.completed).toBe(true);
    let expected: unknown;
    try {
      assembleChunks(chunks);
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(TypeError);
    expect(() => ended[0]!.answer!.completion()).toThrow((expected as Error).message);
  });

  test("an empty stream's answer throws the assembler's empty-stream error", async () => {
    const { stream, ended } = observe(lazySource(0, () => chunk({})));
    await Array.fromAsync(stream);
    expect(() => ended[0]!.answer!.completion()).toThrow("without an answer");
  });

  test("an open stream does not keep the chunks that have passed", async () => {
    const refs: Array<WeakRef<ChatCompletionChunk>> = [];
    const count = 60;
    const { stream } = observe(lazySource(count + 1, (index) => chunk({ content: `token${index} ` }), (made) => refs.push(new WeakRef(made))));
    const reader = stream.getReader();
    for (let read = 0; read < count; read++) await reader.read();
    // The stream is still open (one chunk left): its answer so far is held, not its chunks.
    Bun.gc(true);
    await Bun.sleep(0);
    Bun.gc(true);
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    // The last chunk is the observer's (an error chunk takes its id); a conservative stack scan may hold one or two more.
    expect(alive).toBeLessThan(6);
    await reader.cancel();
  });
});
