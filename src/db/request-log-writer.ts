import type { Logger } from "../logger";
import type { Database } from "./client";
import { insertRequestLogs } from "./queries";
import type { RequestLogRow } from "./schema";

/**
 * Writes request-log rows off the hot path: `record` only appends to a buffer; a timer flushes it
 * in batches. A failed write keeps its rows for the next flush (bounded, oldest dropped first with
 * a log line), and `close` flushes what is left, so a clean shutdown loses nothing.
 */
export interface RequestLogSink {
  record(row: RequestLogRow): void;
}

export interface RequestLogWriterOptions {
  flushIntervalMs: number;
  maxBatch?: number;
  maxBuffered?: number;
  logger: Logger;
}

export class RequestLogWriter implements RequestLogSink {
  private buffer: RequestLogRow[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly db: Database,
    private readonly options: RequestLogWriterOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxBuffered = options.maxBuffered ?? 50_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    // The timer alone must not keep the process alive.
    this.timer.unref?.();
  }

  record(row: RequestLogRow): void {
    this.buffer.push(row);
    if (this.buffer.length > this.maxBuffered) {
      const dropped = this.buffer.splice(0, this.buffer.length - this.maxBuffered);
      this.options.logger.error("request log buffer full; dropped oldest rows", { dropped: dropped.length });
    }
    if (this.buffer.length >= this.maxBatch) void this.flush();
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; concurrent callers share one write. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    this.flushing = this.writeBuffered().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async writeBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.maxBatch);
      try {
        await insertRequestLogs(this.db, batch);
      } catch (error) {
        this.buffer.unshift(...batch);
        this.options.logger.error("request log write failed; will retry", {
          rows: batch.length,
          error: (error as Error).message,
        });
        return;
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
