import { type SyncTransformer, pullThrough } from "./sync-transformer";

/**
 * A stream that fails when its source stays silent too long, or when told to stop. Reads are
 * pulled one at a time (nothing is read ahead), so the silence measured is the source's, while
 * a chunk is awaited, and never a slow consumer's. One timer, re-armed lazily: a chunk only
 * resets a timestamp. Failing cancels the source with the same error, which ends the upstream
 * request behind it. A stage of the stream's pulled chain (pull-chain.ts), not a layer of its own.
 */
export interface WatchOptions<T> {
  /** How long the source may stay silent while a chunk is awaited. */
  idleMs: number;
  /** The error the stream fails with after idleMs of silence. */
  idleError(): unknown;
  /** When aborted, the stream fails with the signal's reason. */
  stopSignal?: AbortSignal;
  /** Chunks delivered before the source's (one already read from it). */
  prepend?: readonly T[];
}

export function watchStream<T>(source: ReadableStream<T>, options: WatchOptions<T>): ReadableStream<T> {
  return pullThrough(source, new WatchStage(options));
}

/**
 * A class, not closures: an open stream keeps its watch for as long as it is open (an idle one for
 * minutes), and methods on the prototype cost nothing per stream. It listens to the stop signal
 * as an event-listener object (handleEvent) and re-arms its timer with itself as the argument.
 */
class WatchStage<T> implements SyncTransformer<T, T> {
  private controller!: TransformStreamDefaultController<T>;
  // Set while a reader waits for a chunk to reach this stage: the source's silence starts there.
  private waitingSince: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private settled = false;

  constructor(private readonly options: WatchOptions<T>) {}

  start(chainController: TransformStreamDefaultController<T>): void {
    this.controller = chainController;
    const stopSignal = this.options.stopSignal;
    if (stopSignal?.aborted) return this.handleEvent();
    stopSignal?.addEventListener("abort", this, { once: true });
    for (const chunk of this.options.prepend ?? []) chainController.enqueue(chunk);
  }

  pulling(active: boolean): void {
    if (this.settled) return;
    if (!active) {
      this.waitingSince = undefined;
      return;
    }
    this.waitingSince = performance.now();
    if (this.timer === undefined) this.arm(this.options.idleMs);
  }

  transform(chunk: T, chainController: TransformStreamDefaultController<T>): void {
    // A chunk arrived; if the reader still waits (this one put out nothing downstream), the next silence starts now.
    if (this.waitingSince !== undefined) this.waitingSince = performance.now();
    chainController.enqueue(chunk);
  }

  flush(): void {
    this.settle();
  }

  cancel(): void {
    this.settle();
  }

  /** The stop signal fired. */
  handleEvent(): void {
    this.failWith(this.options.stopSignal!.reason);
  }

  /** The timer fired: fail if the reader has waited idleMs since the last chunk, else wait the rest. */
  check(): void {
    this.timer = undefined;
    if (this.settled || this.waitingSince === undefined) return;
    const silentMs = performance.now() - this.waitingSince;
    if (silentMs >= this.options.idleMs) this.failWith(this.options.idleError());
    else this.arm(this.options.idleMs - silentMs);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(checkWatch, ms, this);
  }

  private settle(): void {
    this.settled = true;
    this.waitingSince = undefined;
    clearTimeout(this.timer);
    this.options.stopSignal?.removeEventListener("abort", this);
  }

  private failWith(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.controller.error(error);
  }
}

function checkWatch(stage: WatchStage<unknown>): void {
  stage.check();
}
