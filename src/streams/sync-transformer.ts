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
  return new FusedTransformer(first, second);
}

/**
 * Classes rather than closures: a stream keeps its fused stage for as long as it is open (an idle
 * one for minutes), and methods on a prototype cost nothing per stream, where closures cost a
 * function each, their scope and two controller objects with getters.
 */
class FusedTransformer<A, B, C> implements SyncTransformer<A, C> {
  outer!: TransformStreamDefaultController<C>;
  terminated = false;
  /** What `first` sees: enqueueing hands the chunk to `second`; terminating flushes `second`. */
  private readonly inner: TransformStreamDefaultController<B> = new FirstController(this);
  /** What `second` sees: the real controller, except that terminating is remembered. */
  readonly outerForSecond: TransformStreamDefaultController<C> = new SecondController(this);

  constructor(
    private readonly first: SyncTransformer<A, B>,
    readonly second: SyncTransformer<B, C>,
  ) {}

  get endsWithSource(): boolean {
    return this.first.endsWithSource === true;
  }

  /** `first` terminated: `second` is flushed once, then the fused stream ends. */
  finish(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.second.flush?.(this.outerForSecond);
    this.outer.terminate();
  }

  start(controller: TransformStreamDefaultController<C>): void {
    this.outer = controller;
    this.first.start?.(this.inner);
    this.second.start?.(this.outerForSecond);
  }

  transform(chunk: A): void {
    if (this.terminated) return;
    if (this.first.transform) this.first.transform(chunk, this.inner);
    else this.inner.enqueue(chunk as unknown as B);
  }

  flush(): void {
    if (this.terminated) return;
    this.first.flush?.(this.inner);
    if (this.terminated) return;
    this.terminated = true;
    this.second.flush?.(this.outerForSecond);
  }

  cancel(reason: unknown): void {
    this.first.cancel?.(reason);
    this.second.cancel?.(reason);
  }
}

class FirstController<B> implements TransformStreamDefaultController<B> {
  constructor(private readonly fused: FusedTransformer<unknown, B, unknown>) {}

  get desiredSize(): number | null {
    return this.fused.outer.desiredSize;
  }

  enqueue(chunk: B): void {
    const fused = this.fused;
    if (fused.terminated) return;
    if (fused.second.transform) fused.second.transform(chunk, fused.outerForSecond);
    else fused.outer.enqueue(chunk);
  }

  error(reason?: unknown): void {
    this.fused.outer.error(reason);
  }

  terminate(): void {
    this.fused.finish();
  }
}

class SecondController<C> implements TransformStreamDefaultController<C> {
  constructor(private readonly fused: FusedTransformer<unknown, unknown, C>) {}

  get desiredSize(): number | null {
    return this.fused.outer.desiredSize;
  }

  enqueue(chunk: C): void {
    this.fused.outer.enqueue(chunk);
  }

  error(reason?: unknown): void {
    this.fused.outer.error(reason);
  }

  terminate(): void {
    this.fused.terminated = true;
    this.fused.outer.terminate();
  }
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
