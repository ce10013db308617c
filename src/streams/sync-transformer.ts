/**
 * A stream stage as plain synchronous callbacks (the `Transformer` a TransformStream takes, minus
 * promises, plus `cancel`, which Bun calls when the readable side is cancelled or the writable side
 * aborted). Stages written this way can be fused: `fuseTransformers(a, b)` runs `b` on whatever
 * `a` enqueues, in the same call, so a chain of stages costs one TransformStream — one pipe hop
 * per chunk — instead of one each. Each stage stays its own small, separately tested function.
 */
export interface SyncTransformer<I, O> {
  start?(controller: TransformStreamDefaultController<O>): void;
  transform?(chunk: I, controller: TransformStreamDefaultController<O>): void;
  flush?(controller: TransformStreamDefaultController<O>): void;
  cancel?(reason: unknown): void;
}

/** A TransformStream running `transformer` (a pass-through where it has no `transform`). */
export function transformStream<I, O>(transformer: SyncTransformer<I, O>): TransformStream<I, O> {
  return new TransformStream<I, O>(transformer as Transformer<I, O>);
}

/**
 * `first` then `second` as one transformer. When either terminates, the rest of `first`'s input is
 * ignored and `second` is flushed once; an error from either errors the fused stream.
 */
export function fuseTransformers<A, B, C>(first: SyncTransformer<A, B>, second: SyncTransformer<B, C>): SyncTransformer<A, C> {
  let outer!: TransformStreamDefaultController<C>;
  let terminated = false;
  const finish = () => {
    if (terminated) return;
    terminated = true;
    second.flush?.(outerForSecond);
    outer.terminate();
  };
  // What `second` sees: the real controller, except that terminating is remembered.
  const outerForSecond: TransformStreamDefaultController<C> = {
    get desiredSize() {
      return outer.desiredSize;
    },
    enqueue: (chunk) => outer.enqueue(chunk),
    error: (reason) => outer.error(reason),
    terminate() {
      terminated = true;
      outer.terminate();
    },
  };
  // What `first` sees: enqueueing hands the chunk to `second`; terminating flushes `second`.
  const inner: TransformStreamDefaultController<B> = {
    get desiredSize() {
      return outer.desiredSize;
    },
    enqueue(chunk) {
      if (terminated) return;
      if (second.transform) second.transform(chunk as B, outerForSecond);
      else outer.enqueue(chunk as unknown as C);
    },
    error: (reason) => outer.error(reason),
    terminate: finish,
  };
  return {
    start(controller) {
      outer = controller;
      first.start?.(inner);
      second.start?.(outerForSecond);
    },
    transform(chunk) {
      if (terminated) return;
      if (first.transform) first.transform(chunk, inner);
      else inner.enqueue(chunk as unknown as B);
    },
    flush() {
      if (terminated) return;
      first.flush?.(inner);
      if (terminated) return;
      terminated = true;
      second.flush?.(outerForSecond);
    },
    cancel(reason) {
      first.cancel?.(reason);
      second.cancel?.(reason);
    },
  };
}

/**
 * `source` run through `transformer`, pulled: each read of the result reads the source until the
 * transformer has put out something (or the source ends), in the reader's own call, with no pipe
 * in between. The same contract as `source.pipeThrough(transformStream(transformer))` (start,
 * transform, flush at the source's end, cancel when the result is cancelled; `terminate` closes
 * the result and cancels the source, `error` errors the result and cancels the source), for a
 * fraction of the per-chunk cost: Bun's pipeTo takes several promises per chunk. Nothing is read
 * ahead of the consumer (the result's high-water mark is 0).
 */
export function pullThrough<I, O>(source: ReadableStream<I>, transformer: SyncTransformer<I, O>): ReadableStream<O> {
  const reader = source.getReader();
  let finished = false;
  let produced = 0;
  let output!: ReadableStreamDefaultController<O>;
  const controller: TransformStreamDefaultController<O> = {
    get desiredSize() {
      return output.desiredSize;
    },
    enqueue(chunk) {
      if (finished) throw new TypeError("The stream is closed.");
      produced++;
      output.enqueue(chunk);
    },
    error(reason) {
      if (finished) return;
      finished = true;
      output.error(reason);
      reader.cancel(reason).catch(() => {});
    },
    terminate() {
      if (finished) return;
      finished = true;
      output.close();
      reader.cancel().catch(() => {});
    },
  };
  return new ReadableStream<O>(
    {
      start(readableController) {
        output = readableController;
        transformer.start?.(controller);
      },
      async pull() {
        const before = produced;
        while (!finished && produced === before) {
          let result: Awaited<ReturnType<typeof reader.read>>;
          try {
            result = await reader.read();
          } catch (error) {
            if (!finished) {
              finished = true;
              output.error(error);
            }
            return;
          }
          if (finished) return;
          try {
            if (result.done) {
              transformer.flush?.(controller);
              if (!finished) {
                finished = true;
                output.close();
              }
              return;
            }
            if (transformer.transform) transformer.transform(result.value, controller);
            else controller.enqueue(result.value as unknown as O);
          } catch (error) {
            controller.error(error);
            return;
          }
        }
      },
      cancel(reason) {
        finished = true;
        transformer.cancel?.(reason);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
