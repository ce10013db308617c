import { describe, expect, test } from "bun:test";
import { fuseTransformers, pullThrough, type SyncTransformer, transformStream } from "../../src/streams/sync-transformer";

/** Runs `items` through `transformer`, pulled and as a TransformStream: both must give the same. */
async function bothWays<I, O>(items: readonly I[], make: () => SyncTransformer<I, O>): Promise<{ pulled: O[]; piped: O[] }> {
  const source = () => new ReadableStream<I>({ start: (controller) => (items.forEach((item) => controller.enqueue(item)), controller.close()) });
  const pulled = await Array.fromAsync(pullThrough(source(), make()));
  const piped = await Array.fromAsync(source().pipeThrough(transformStream(make())));
  return { pulled, piped };
}

/** A stage that records what happened to it, in order, into `log`. */
function recording(name: string, log: string[], transform?: SyncTransformer<number, number>["transform"], flushWith?: number): SyncTransformer<number, number> {
  return {
    start: () => void log.push(`${name} start`),
    ...(transform ? { transform: (chunk: number, controller: TransformStreamDefaultController<number>) => (log.push(`${name} ${chunk}`), transform(chunk, controller)) } : {}),
    flush(controller) {
      log.push(`${name} flush`);
      if (flushWith !== undefined) controller.enqueue(flushWith);
    },
    cancel: (reason) => void log.push(`${name} cancel ${String(reason)}`),
  };
}

describe("fuseTransformers", () => {
  test("runs the second stage on what the first puts out, in the same call, and flushes both in order", async () => {
    const log: string[] = [];
    const fused = () => fuseTransformers(recording("a", log, (n, c) => c.enqueue(n * 10), 7), recording("b", log, (n, c) => c.enqueue(n + 1), 99));
    const { pulled, piped } = await bothWays([1, 2], fused);
    expect(pulled).toEqual([11, 21, 8, 99]);
    expect(piped).toEqual(pulled);
    expect(log.slice(0, log.length / 2)).toEqual(["a start", "b start", "a 1", "b 10", "a 2", "b 20", "a flush", "b 7", "b flush"]);
  });

  test("a stage without transform passes chunks through", async () => {
    const { pulled } = await bothWays([1, 2], () => fuseTransformers<number, number, number>({}, { transform: (n, c) => c.enqueue(-n) }));
    expect(pulled).toEqual([-1, -2]);
    const { pulled: second } = await bothWays([1, 2], () => fuseTransformers<number, number, number>({ transform: (n, c) => c.enqueue(n * 3) }, {}));
    expect(second).toEqual([3, 6]);
  });

  test("the first stage terminating flushes the second once and ignores the rest of the input", async () => {
    const log: string[] = [];
    const first = recording("a", log, (n, c) => (n === 2 ? c.terminate() : c.enqueue(n)));
    const fused = () => fuseTransformers(first, recording("b", log, (n, c) => c.enqueue(n), 50));
    const { pulled, piped } = await bothWays([1, 2, 3, 4], fused);
    expect(pulled).toEqual([1, 50]);
    expect(piped).toEqual([1, 50]);
    const once = log.slice(0, log.length / 2);
    expect(once.filter((entry) => entry === "b flush")).toHaveLength(1);
    expect(once).not.toContain("a 3");
    expect(once).not.toContain("a flush");
  });

  test("the second stage terminating ends the stream without flushing it again, and the first sees no more input", async () => {
    const log: string[] = [];
    const second = recording("b", log, (n, c) => (n >= 20 ? c.terminate() : c.enqueue(n)), 77);
    const { pulled } = await bothWays([1, 2, 3], () => fuseTransformers(recording("a", log, (n, c) => c.enqueue(n * 10)), second));
    expect(pulled).toEqual([10]);
    const once = log.slice(0, log.length / 2);
    expect(once).not.toContain("b flush");
    expect(once).not.toContain("a 3");
  });

  test("an error from either stage errors the fused stream", async () => {
    for (const which of ["first", "second"] as const) {
      const failing = { transform: (_: number, c: TransformStreamDefaultController<number>) => c.error(new Error(`${which} failed`)) };
      const pass = { transform: (n: number, c: TransformStreamDefaultController<number>) => c.enqueue(n) };
      const fused = which === "first" ? fuseTransformers(failing, pass) : fuseTransformers(pass, failing);
      const source = new ReadableStream<number>({ start: (controller) => controller.enqueue(1) });
      await expect(Array.fromAsync(pullThrough(source, fused))).rejects.toThrow(`${which} failed`);
    }
  });

  test("cancelling the stream cancels both stages; the controllers report the end's desired size", async () => {
    const log: string[] = [];
    const sizes: Array<number | null> = [];
    const first: SyncTransformer<number, number> = { ...recording("a", log), start: (c) => void sizes.push(c.desiredSize) };
    const second: SyncTransformer<number, number> = { ...recording("b", log), start: (c) => void sizes.push(c.desiredSize) };
    const stream = new ReadableStream<number>({ pull: () => new Promise<void>(() => {}) }, { highWaterMark: 0 }).pipeThrough(transformStream(fuseTransformers(first, second)));
    await stream.cancel("gone");
    expect(log).toEqual(["a cancel gone", "b cancel gone"]);
    expect(sizes).toHaveLength(2);
    expect(sizes[0]).toBe(sizes[1]);
    expect(typeof sizes[0]).toBe("number");
  });
});
