import type { CacheWrite } from "../db/cache-queries";

/**
 * Puts stored answers in the shared table off the request path: writes wait up to `delayMs` and
 * go out as one statement per batch, one batch at a time. The cache is best effort: a batch the
 * database refuses is dropped (reported to `onFailure`), and past `maxPending` bytes new writes
 * are dropped instead of piling up while the database is down.
 */
export interface CacheWriterOptions {
  write(rows: readonly CacheWrite[]): Promise<void>;
  onFailure(rows: readonly CacheWrite[], error: unknown): void;
  delayMs: number;
  maxPendingBytes: number;
}

export class CacheWriter {
  private pending: CacheWrite[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> | undefined;

  constructor(private readonly options: CacheWriterOptions) {}

  /** Queues a write; false when it was dropped because too much is already waiting. */
  enqueue(row: CacheWrite): boolean {
    if (this.pendingBytes + row.bytes > this.options.maxPendingBytes) return false;
    this.pending.push(row);
    this.pendingBytes += row.bytes;
    if (!this.timer && !this.writing) this.schedule();
    return true;
  }

  get size(): number {
    return this.pending.length;
  }

  /**
   * Drops the queued writes of a key and waits for the batch being written, if any: once this
   * resolves, no write of the key made before the call can reach the table after it.
   */
  async discard(key: string): Promise<void> {
    const kept = this.pending.filter((row) => row.key !== key);
    if (kept.length !== this.pending.length) {
      this.pending = kept;
      this.pendingBytes = kept.reduce((sum, row) => sum + row.bytes, 0);
    }
    while (this.writing) await this.writing;
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.options.write(batch).then(
      () => undefined,
      (error: unknown) => this.options.onFailure(batch, error),
    );
    await this.writing;
    this.writing = undefined;
    if (this.pending.length > 0) this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.flush(), this.options.delayMs);
    this.timer.unref?.();
  }
}
