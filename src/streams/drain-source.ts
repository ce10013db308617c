/** How long, and for how many reads, a source is read on after its end marker. */
const DRAIN_MS = 1_000;
const DRAIN_READS = 16;

/**
 * Reads and drops what is left of `source` until it ends, for at most DRAIN_MS and DRAIN_READS
 * reads, then calls `cancel`; stops as soon as `cancelled()` says someone else cancelled it. An HTTP
 * body cancelled before its end closes its connection: an upstream that ends its body a moment after
 * `data: [DONE]` would otherwise cost a new connection (and TLS handshake) for every stream.
 */
export function drainSource(source: { read(): Promise<{ done?: boolean }> }, cancelled: () => boolean, cancel: () => void): void {
  let reads = 0;
  const timer = setTimeout(cancel, DRAIN_MS);
  timer.unref?.();
  const stop = () => clearTimeout(timer);
  const next = (): void => {
    if (cancelled()) return stop();
    if (++reads > DRAIN_READS) {
      stop();
      return cancel();
    }
    source.read().then((result) => (result.done ? stop() : next()), stop);
  };
  next();
}
