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
  return pullThrough(source, watchStage(options));
}

function watchStage<T>(options: WatchOptions<T>): SyncTransformer<T, T> {
  const stopSignal = options.stopSignal;
  let controller!: TransformStreamDefaultController<T>;
  // Set while a reader waits for a chunk to reach this stage: the source's silence starts there.
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;

  const settle = () => {
    settled = true;
    waitingSince = undefined;
    clearTimeout(timer);
    stopSignal?.removeEventListener("abort", onStop);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settle();
    controller.error(error);
  };
  const onStop = () => fail(stopSignal!.reason);
  const arm = (ms: number) => {
    timer = setTimeout(check, ms);
  };
  const check = () => {
    timer = undefined;
    if (settled || waitingSince === undefined) return;
    const silentMs = performance.now() - waitingSince;
    if (silentMs >= options.idleMs) fail(options.idleError());
    else arm(options.idleMs - silentMs);
  };

  return {
    start(chainController) {
      controller = chainController;
      if (stopSignal?.aborted) return onStop();
      stopSignal?.addEventListener("abort", onStop, { once: true });
      for (const chunk of options.prepend ?? []) controller.enqueue(chunk);
    },
    pulling(active) {
      if (settled) return;
      if (!active) {
        waitingSince = undefined;
        return;
      }
      waitingSince = performance.now();
      if (timer === undefined) arm(options.idleMs);
    },
    transform(chunk, chainController) {
      // A chunk arrived; if the reader still waits (this one put out nothing downstream), the next silence starts now.
      if (waitingSince !== undefined) waitingSince = performance.now();
      chainController.enqueue(chunk);
    },
    flush: settle,
    cancel: settle,
  };
}
