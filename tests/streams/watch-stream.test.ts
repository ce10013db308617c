import { describe, expect, test } from "bun:test";
import { watchStream } from "../../src/streams/watch-stream";

/** A source the test feeds by hand; `cancelled` settles with the reason it was cancelled with. */
function handFed<T>() {
  let controller!: ReadableStreamDefaultController<T>;
  let settleCancel!: (reason: unknown) => void;
  const cancelled = new Promise<unknown>((resolve) => (settleCancel = resolve));
  const stream = new ReadableStream<T>({
    start: (c) => void (controller = c),
    cancel: (reason) => settleCancel(reason),
  });
  return { stream, controller, cancelled };
}

const idle = new Error("idle");

describe("watchStream", () => {
  test("passes chunks through, the prepended ones first, and closes with its source", async () => {
    const source = handFed<number>();
    const watched = watchStream(source.stream, { idleMs: 1000, idleError: () => idle, prepend: [1] });
    source.controller.enqueue(2);
    source.controller.enqueue(3);
    source.controller.close();
    expect(await Array.fromAsync(watched)).toEqual([1, 2, 3]);
  });

  test("a source silent for idleMs while a chunk is awaited fails the stream and is cancelled with the same error", async () => {
    const source = handFed<number>();
    const watched = watchStream(source.stream, { idleMs: 60, idleError: () => idle });
    const reader = watched.getReader();
    source.controller.enqueue(1);
    expect(await reader.read()).toEqual({ done: false, value: 1 });
    // Chunks that keep coming in time keep it alive, however long the whole stream takes.
    for (let index = 0; index < 4; index++) {
      setTimeout(() => source.controller.enqueue(index), 30);
      expect((await reader.read()).value).toBe(index);
    }
    await expect(reader.read()).rejects.toBe(idle);
    expect(await source.cancelled).toBe(idle);
  });

  test("a consumer that does not read is not the source's silence", async () => {
    const source = handFed<number>();
    const watched = watchStream(source.stream, { idleMs: 40, idleError: () => idle });
    const reader = watched.getReader();
    source.controller.enqueue(1);
    expect((await reader.read()).value).toBe(1);
    await Bun.sleep(120);
    source.controller.enqueue(2);
    source.controller.close();
    expect((await reader.read()).value).toBe(2);
    expect((await reader.read()).done).toBe(true);
  });

  test("aborting the stop signal fails the stream with its reason, also before the first read", async () => {
    const stop = new AbortController();
    const source = handFed<number>();
    const reader = watchStream(source.stream, { idleMs: 10_000, idleError: () => idle, stopSignal: stop.signal }).getReader();
    const pending = reader.read();
    const reason = new Error("shutting down");
    stop.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(await source.cancelled).toBe(reason);

    const early = new AbortController();
    early.abort(reason);
    await expect(watchStream(handFed<number>().stream, { idleMs: 10_000, idleError: () => idle, stopSignal: early.signal }).getReader().read()).rejects.toBe(reason);
  });

  test("a source that errors passes its error on; cancelling the watched stream cancels the source", async () => {
    const failing = handFed<number>();
    const broken = new Error("reset");
    failing.controller.error(broken);
    await expect(watchStream(failing.stream, { idleMs: 1000, idleError: () => idle }).getReader().read()).rejects.toBe(broken);

    const source = handFed<number>();
    await watchStream(source.stream, { idleMs: 1000, idleError: () => idle }).cancel("client left");
    expect(await source.cancelled).toBe("client left");
  });
});
