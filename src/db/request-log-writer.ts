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
        // The database refused the data itself (a NUL character, a number out of range): retrying
        // the batch could never succeed and would block every row behind it. Write its rows one by
        // one instead and drop only those refused.
        const unwritten = isRefusedData(error) ? await this.writeEachAlone(batch) : { rows: batch, error };
        if (unwritten.rows.length === 0) continue;
        this.buffer.unshift(...unwritten.rows);
        this.options.logger.error("request log write failed; will retry", { rows: unwritten.rows.length, error: rootMessage(unwritten.error) });
        return;
      }
    }
  }

  /** Rows left unwritten when the database itself failed part-way (they are kept for the next flush). */
  private async writeEachAlone(batch: RequestLogRow[]): Promise<{ rows: RequestLogRow[]; error?: unknown }> {
    for (const [index, row] of batch.entries()) {
      try {
        await insertRequestLogs(this.db, [row]);
      } catch (error) {
        if (!isRefusedData(error)) return { rows: batch.slice(index), error };
        this.options.logger.error("request log row refused by the database; dropped", { taskId: row.taskId, error: rootMessage(error) });
      }
    }
    return { rows: [] };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** SQLSTATE class 22 (data exception) or 23 (integrity constraint), from the driver's error under drizzle's. */
function isRefusedData(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

/** The driver's own message: drizzle's wrapper repeats the query and every parameter (the whole batch). */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
