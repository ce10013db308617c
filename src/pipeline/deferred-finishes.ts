import type { Logger } from "../logger";

/**
 * The finishing work of answers already handed over (their log row and finish hooks: cache store,
 * budget settle, success rate), run at the next turn of the event loop instead of before the
 * Response is returned. With one request at a time that work then runs while the answer travels
 * to the client and the client sends its next request, not in front of the answer (~20–40 µs a
 * request, bench/PROFILE.md). A client over the network sees no other order: its next request is
 * read at a later turn of the loop than the one this runs in (Bun runs immediates first).
 * The request's time is read when the answer is handed over, so its row and added time do not
 * grow by the wait. `drain` runs whatever waits now (before the log writer's last flush on close).
 */
export class DeferredFinishes {
  private queue: Array<() => void> = [];

  constructor(private readonly logger: Logger) {}

  defer(work: () => void): void {
    if (this.queue.push(work) === 1) setImmediate(this.drain);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Runs every waiting finish; one that throws is logged (its answer is out already) and the others still run. */
  readonly drain = (): void => {
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    for (const work of queue) {
      try {
        work();
      } catch (error) {
        this.logger.error("finishing a request failed", { error: String(error) });
      }
    }
  };
}
