import { describe, expect, test } from "bun:test";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { observeStream } from "../../src/pipeline/stream-observer";
import { createRedactor } from "../../src/security/redactor";
import { readAheadPast } from "../../src/streams/pull-chain";
import { sseDecoderTransformer, sseDone } from "../../src/streams/sse-decoder";
import type { SyncTransformer } from "../../src/streams/sync-stage";
import { pullThrough } from "../../src/streams/sync-transformer";
import { watchStream } from "../../src/streams/watch-stream";
import { waitFor } from "../helpers/wait-for";

/** Reads ahead one chunk: nothing is skipped. */
const readAhead = <T>(stream: ReadableStream<T>) => readAheadPast(stream, () => false, 0);

/** A source that counts its reads and settles `cancelled` with the reason it was cancelled with. */
function counted<T>(items: readonly T[]) {
  let reads = 0;
  let settleCancel!: (reason: unknown) => void;
  const cancelled = new Promise<unknown>((resolve) => (settleCancel = resolve));
  const stream = new ReadableStream<T>(
    {
      async pull(controller) {
        await null;
        if (reads < items.length) controller.enqueue(items[reads++]!);
        else return new Promise<void>(() => {});
      },
      cancel: (reason) => settleCancel(reason),
    },
    { highWaterMark: 0 },
  );
  return { stream, cancelled, reads: () => reads };
}

const double = { transform: (value: number, controller: TransformStreamDefaultController<number>) => controller.enqueue(value * 2) };
const plusOne = { transform: (value: number, controller: TransformStreamDefaultController<number>) => controller.enqueue(value + 1) };

describe("pulled chains", () => {
  test("a stream nobody has read joins the next stage's chain; reading it afterwards fails", async () => {
    const source = counted([1, 2, 3]);
    const first = pullThrough(source.stream, double);
    const second = pullThrough(first, plusOne);
    const reader = second.getReader();
    expect(await reader.read()).toEqual({ done: false, value: 3 });
    expect(await reader.read()).toEqual({ done: false, value: 5 });
    // Nothing is read ahead of the reader.
    expect(source.reads()).toBe(2);
    await expect(first.getReader().read()).rejects.toThrow("taken over");
  });

  test("a stream already read is the source of a new chain, and still gives what it holds", async () => {
    const first = pullThrough(counted([1, 2]).stream, double);
    const reader = first.getReader();
    expect((await reader.read()).value).toBe(2);
    reader.releaseLock();
    expect((await pullThrough(first, plusOne).getReader().read()).value).toBe(5);
  });

  test("readAhead keeps the first chunk first, for the stages added after it", async () => {
    const source = counted([1, 2]);
    const { first, rest } = await readAhead(pullThrough(source.stream, double));
    expect(first).toEqual({ done: false, value: 2 });
    const reader = pullThrough(rest, plusOne).getReader();
    expect((await reader.read()).value).toBe(3);
    expect((await reader.read()).value).toBe(5);
  });

  test("a client that leaves mid-stream cancels the upstream through every stage, and is logged as a 499", async () => {
    const chunk = (content: string): ChatCompletionChunk => ({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    const source = counted([chunk("a"), chunk("b")]);
    const client = new AbortController();
    const outcomes: number[] = [];
    const watched = watchStream((await readAhead(source.stream)).rest, { idleMs: 10_000, idleError: () => new Error("idle") });
    const observed = observeStream(watched, {
      startedAt: performance.now(),
      clientSignal: client.signal,
      keepAnswer: false,
      redactor: createRedactor(),
      promptTokensEstimate: () => 1,
      onEnd: (outcome) => outcomes.push(outcome.status),
    });
    const reader = pullThrough(observed, { transform: (value: ChatCompletionChunk, controller: TransformStreamDefaultController<string>) => controller.enqueue(value.choices[0]!.delta.content!) }).getReader();
    expect((await reader.read()).value).toBe("a");
    expect((await reader.read()).value).toBe("b");
    const waiting = reader.read();
    client.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await source.cancelled;
    expect(outcomes).toEqual([499]);
  });
});

describe("after the source's own end marker", () => {
  const encoder = new TextEncoder();
  /** A source that sends `data: [DONE]`, then `extra` more reads of bytes, then ends; it counts reads and cancels. */
  function sourceAfterDone(extra: number) {
    const counts = { reads: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          counts.reads++;
          if (counts.reads === 1) return controller.enqueue(encoder.encode('data: {"n":1}\n\ndata: [DONE]\n\n'));
          if (counts.reads <= 1 + extra) return controller.enqueue(encoder.encode(": after the end\n\n"));
          controller.close();
        },
        cancel() {
          counts.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, counts };
  }

  test("the SSE decoder's end reads the source to its end instead of cancelling it; the reader is answered at once", async () => {
    const { stream, counts } = sourceAfterDone(3);
    const out = await Array.fromAsync(pullThrough(stream, sseDecoderTransformer()));
    expect(out).toEqual([{ n: 1 }, sseDone]);
    await waitFor(() => counts.reads === 5, { what: "the source read to its end" });
    expect(counts.cancelled).toBe(false);
  });

  test("a source that goes on sending after [DONE] is cancelled after a bounded number of reads", async () => {
    const { stream, counts } = sourceAfterDone(1_000);
    expect(await Array.fromAsync(pullThrough(stream, sseDecoderTransformer()))).toEqual([{ n: 1 }, sseDone]);
    await waitFor(() => counts.cancelled, { what: "the source cancelled" });
    expect(counts.reads).toBeLessThan(30);
  });

  test("a stage that is not the source's decoder still cancels the source when it terminates", async () => {
    const { stream, counts } = sourceAfterDone(3);
    const stopAtFirst: SyncTransformer<Uint8Array, Uint8Array> = { transform: (chunk, controller) => (controller.enqueue(chunk), controller.terminate()) };
    expect(await Array.fromAsync(pullThrough(stream, stopAtFirst))).toHaveLength(1);
    await waitFor(() => counts.cancelled, { what: "the source cancelled" });
    expect(counts.reads).toBe(1);
  });
});
