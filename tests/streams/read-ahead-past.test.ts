import { describe, expect, test } from "bun:test";
import { readAheadPast } from "../../src/streams/pull-chain";
import { pullThrough } from "../../src/streams/sync-transformer";
import { watchStream } from "../../src/streams/watch-stream";

/** A source giving `items` one per read, each after its delay; then it ends (or fails with `failure`). */
function timed(items: Array<{ value: number; afterMs?: number }>, failure?: Error) {
  let reads = 0;
  let cancelled = false;
  const stream = new ReadableStream<number>(
    {
      async pull(controller) {
        const item = items[reads++];
        if (!item) return failure ? controller.error(failure) : controller.close();
        if (item.afterMs) await Bun.sleep(item.afterMs);
        controller.enqueue(item.value);
      },
      cancel: () => void (cancelled = true),
    },
    { highWaterMark: 0 },
  );
  return { stream, reads: () => reads, cancelled: () => cancelled };
}

const isZero = (value: number) => value === 0;
const readAll = async (stream: ReadableStream<number>) => Array.fromAsync(stream);

describe("readAheadPast", () => {
  test("reads past the skipped start to the first other chunk, and keeps every chunk read in front, in order", async () => {
    const source = timed([{ value: 0 }, { value: 0 }, { value: 7 }, { value: 8 }]);
    const { first, skipped, rest } = await readAheadPast(source.stream, isZero, 1_000);
    expect(first).toEqual({ done: false, value: 7 });
    expect(skipped).toBe(2);
    // Nothing beyond the first chunk that counts was read.
    expect(source.reads()).toBe(3);
    expect(await readAll(pullThrough(rest, { transform: (value: number, controller: TransformStreamDefaultController<number>) => controller.enqueue(value + 1) }))).toEqual([1, 1, 8, 9]);
  });

  test("an end or a failure right after the start is what it returns", async () => {
    expect((await readAheadPast(timed([{ value: 0 }]).stream, isZero, 1_000)).first).toEqual({ done: true, value: undefined });
    await expect(readAheadPast(timed([{ value: 0 }], new Error("reset")).stream, isZero, 1_000)).rejects.toThrow("reset");
  });

  test("a start alone is held only holdMs: then the stream goes on, and its first read takes over the read still waiting", async () => {
    const source = timed([{ value: 0 }, { value: 5, afterMs: 300 }, { value: 6 }]);
    const started = performance.now();
    const { first, skipped, rest } = await readAheadPast(source.stream, isZero, 50);
    expect(performance.now() - started).toBeLessThan(250);
    expect(first).toBeUndefined();
    expect(skipped).toBe(1);
    const reader = rest.getReader();
    expect(await reader.read()).toEqual({ done: false, value: 0 });
    expect(await reader.read()).toEqual({ done: false, value: 5 });
    await Bun.sleep(20);
    // The waiting read was taken over, not doubled by a second one reading ahead of the reader.
    expect(source.reads()).toBe(2);
    expect(await reader.read()).toEqual({ done: false, value: 6 });
    expect((await reader.read()).done).toBe(true);
  });

  test("after a released hold the idle watch covers the read still waiting", async () => {
    const source = timed([{ value: 0 }, { value: 5, afterMs: 5_000 }]);
    const { rest } = await readAheadPast(source.stream, isZero, 20);
    const watched = watchStream(rest, { idleMs: 100, idleError: () => new Error("idle") });
    const reader = watched.getReader();
    expect(await reader.read()).toEqual({ done: false, value: 0 });
    const started = performance.now();
    await expect(reader.read()).rejects.toThrow("idle");
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(source.cancelled()).toBe(true);
  });
});
