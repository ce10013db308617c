import { chainOver, chainStream } from "./pull-chain";
import type { SyncTransformer } from "./sync-stage";

export type { SyncTransformer } from "./sync-stage";

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
 *
 * When `source` is itself such a result that nobody has read yet, the two are fused: the result
 * reads `source`'s own source, through its stages and then `transformer`, so a chain of layers
 * costs one ReadableStream hop per chunk (pull-chain.ts).
 */
export function pullThrough<I, O>(source: ReadableStream<I>, transformer: SyncTransformer<I, O>): ReadableStream<O> {
  return chainStream(chainOver(source).add(transformer));
}
