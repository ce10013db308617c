import type { SpendEntry } from "../db/budget-queries";
import type { Logger } from "../logger";
import { driverMessage } from "../db/driver-message";

/**
 * Records what finished requests spent and releases their reservations, in batches off the
 * request path (every 20 ms while reservations wait for release, every second otherwise). Until its
 * batch is written a request's reservation (its worst case, never less than what it spent) still
 * counts in the database, so batching never lets a budget be overrun; a reservation of this
 * instance refused meanwhile writes the batch at once and asks again (BudgetService.reserve), so
 * only another instance may be refused a little early. A batch the database does not take is kept and written with the next
 * one: lost spend would let a budget be overrun, and an unreleased reservation only expires.
 */
export interface SpendWriterOptions {
  write(entries: readonly PendingSpend[]): Promise<void>;
  logger: Logger;
  /** How long a batch that releases a reservation may wait. */
  delayMs: number;
  /** How long spend without a reservation (no budget set, or a request held on a lease) may wait: nothing is held meanwhile. */
  idleDelayMs: number;
  maxPending?: number;
}

/**
 * A waiting entry, with how many requests' entries it stands for that spent something (a lease
 * learns of each once written: BudgetLease.written).
 */
export type PendingSpend = SpendEntry & { spentEntries: number };

export class SpendWriter {
  private pending: PendingSpend[] = [];
  /**
   * Waiting entries of requests held on a lease, by lease, scope and periods: the next request's
   * entry of the same kind is added to it (amounts summed) instead of queued. The statement sums
   * them per lease and per period anyway (settleBudgets), and at 32 connections this is one entry
   * a lease a batch instead of two per request.
   */
  private readonly merged = new Map<string, PendingSpend>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDelayMs = 0;
  private writing: Promise<void> | undefined;
  private writingReleases = false;
  private failures = 0;
  private readonly maxPending: number;

  constructor(private readonly options: SpendWriterOptions) {
    this.maxPending = options.maxPending ?? 100_000;
  }

  add(entries: readonly SpendEntry[]): void {
    for (const entry of entries) {
      const spentEntries = entry.amountUsd > 0 ? 1 : 0;
      const key = mergeKey(entry);
      const into = key === undefined ? undefined : this.merged.get(key);
      if (into) {
        into.amountUsd += entry.amountUsd;
        into.spentEntries += spentEntries;
        continue;
      }
      const pending: PendingSpend = { ...entry, spentEntries };
      this.pending.push(pending);
      if (key !== undefined) this.merged.set(key, pending);
    }
    if (this.pending.length > this.maxPending) {
      // Dropped entries take no more additions.
      this.merged.clear();
      const dropped = this.pending.splice(0, this.pending.length - this.maxPending);
      this.options.logger.error("budget spend queue full; dropped the oldest entries", { dropped: dropped.length });
    }
    if (this.writing) return;
    const releases = entries.some((entry) => entry.reservationId !== null);
    // A reservation to release moves a waiting batch forward.
    if (releases && this.timer && this.timerDelayMs > this.options.delayMs) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.timer) this.schedule(releases ? this.options.delayMs : this.options.idleDelayMs);
  }

  get size(): number {
    return this.pending.length;
  }

  /** Whether a reservation to release waits here or is being written: its hold still counts in the database. */
  get releasing(): boolean {
    return this.writingReleases || this.pending.some((entry) => entry.reservationId !== null);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.merged.clear();
    this.writingReleases = batch.some((entry) => entry.reservationId !== null);
    this.writing = this.options.write(batch).then(
      () => {
        if (this.failures > 0) this.options.logger.info("budget spend written again after failures", { failures: this.failures });
        this.failures = 0;
      },
      (error: unknown) => {
        this.pending.unshift(...batch);
        this.failures++;
        if (this.failures === 1 || this.failures % 50 === 0) {
          this.options.logger.error("budget spend write failed; will retry", { entries: batch.length, failures: this.failures, error: driverMessage(error) });
        }
      },
    );
    await this.writing;
    this.writing = undefined;
    this.writingReleases = false;
    if (this.pending.length === 0) return;
    // Spend without a reservation to release (no budget, or held on a lease) holds nothing back: it may wait.
    const delayMs = this.pending.some((entry) => entry.reservationId !== null) ? this.options.delayMs : this.options.idleDelayMs;
    this.schedule(this.failures > 0 ? Math.min(5_000, this.options.delayMs * 2 ** this.failures) : delayMs);
  }

  private schedule(delayMs = this.options.delayMs): void {
    this.timerDelayMs = delayMs;
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref?.();
  }
}

/**
 * What an entry of a request held on a lease (no reservation of its own, its periods the lease's,
 * a finite amount) is merged by; undefined for any other entry, which is written as it is. Such an entry's `at` is
 * not read (the periods are given), so the merged entry keeps the first one's.
 */
function mergeKey(entry: SpendEntry): string | undefined {
  if (entry.reservationId !== null || entry.leaseId === null || entry.dayStart === null || entry.monthStart === null) return undefined;
  // A non-finite amount is written as null and adds nothing (settleBudgets): summed, it would spoil the others.
  if (!Number.isFinite(entry.amountUsd)) return undefined;
  return `${entry.leaseId}/${entry.scope}/${entry.dayStart.getTime()}/${entry.monthStart.getTime()}`;
}
