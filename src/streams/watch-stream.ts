/**
 * A stream that fails when its source stays silent too long, or when told to stop. Reads are
 * pulled one at a time (nothing is read ahead), so the silence measured is the source's, while
 * a chunk is awaited, and never a slow consumer's. One timer, re-armed lazily: a chunk only
 * clears a timestamp. Failing cancels the source with the same error, which ends the upstream
 * request behind it.
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
  const reader = source.getReader();
  const queued = [...(options.prepend ?? [])];
  const stopSignal = options.stopSignal;
  let output!: ReadableStreamDefaultController<T>;
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;

  const settle = () => {
    settled = true;
    clearTimeout(timer);
    stopSignal?.removeEventListener("abort", onStop);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settle();
    output.error(error);
    reader.cancel(error).catch(() => {});
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

  return new ReadableStream<T>(
    {
      start(controller) {
        output = controller;
        if (stopSignal?.aborted) onStop();
        else stopSignal?.addEventListener("abort", onStop, { once: true });
      },
      async pull(controller) {
        if (queued.length > 0) return controller.enqueue(queued.shift()!);
        waitingSince = performance.now();
        if (timer === undefined) arm(options.idleMs);
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          if (!settled) {
            settle();
            controller.error(error);
          }
          return;
        } finally {
          waitingSince = undefined;
        }
        if (settled) return;
        if (result.done) {
          settle();
          controller.close();
        } else {
          controller.enqueue(result.value);
        }
      },
      cancel(reason) {
        settle();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
