import type { Logger } from "../logger";
import type { Database, DatabaseHandle } from "./client";
import { isRefusedData } from "./driver-error";
import { insertRequestLogs } from "./queries";
import { RequestLogReporter, type RequestLogStatus } from "./request-log-reporter";
import type { RequestLogRow } from "./schema";

/**
 * Writes request-log rows off the hot path: `record` only appends to a buffer and makes sure a
 * write is coming. One write at a time; rows that arrive during a write go in the next one, which
 * starts as soon as the write before it ends, but no sooner than `flushIntervalMs` after that
 * write started. So a row waits in memory for at most the interval plus one write, and a crash
 * (kill -9, OOM) loses only those rows; a clean shutdown (`close`) loses nothing.
 *
 * A failed write keeps its rows and is retried every `retryIntervalMs`; the buffer is bounded
 * (oldest rows dropped first). State changes and drops are reported once, then summarised.
 */
export interface RequestLogSink {
  record(row: RequestLogRow): void;
  status(): RequestLogStatus;
}

/**
 * The interval when LOG_FLUSH_INTERVAL_MS is unset. A PostgreSQL write runs in the server while
 * the proxy goes on, so writes follow each other closely. PGlite runs its writes on the proxy's own
 * thread: each one blocks the event loop for ~1 ms of fixed cost plus ~0.17 ms a row (measured on
 * the request_log table), so writes come at most 50 times a second, costing the loop at most ~5%
 * beyond the rows themselves, and a row still waits only ~20 ms plus one write.
 */
export const defaultFlushIntervalMs: Record<DatabaseHandle["kind"], number> = { postgres: 5, pglite: 20 };

/**
 * The most rows one write takes. PGlite's write holds the event loop for its whole length: a
 * write of 500 rows (a backlog after a stall) took 37 ms at a load average of 7 and 167 ms at 9 on
 * the 2-core development machine, 100 rows 13–19 ms (bench/pglite-insert-costs.ts). A hundred keeps
 * every request's wait behind a write short, and a backlog drains in turns with the requests, at
 * the price of a higher cost a row (about 0.13 ms instead of 0.07).
 */
export const defaultMaxBatch: Record<DatabaseHandle["kind"], number> = { postgres: 500, pglite: 100 };

export interface RequestLogWriterOptions {
  /** The least time from one write's start to the next one's, and so the longest a row waits for a write to start. */
  flushIntervalMs: number;
  maxBatch?: number;
  maxBuffered?: number;
  /** Between attempts while the database fails. */
  retryIntervalMs?: number;
  /** How often a lasting outage or overflow is summarised in the log. */
  summaryIntervalMs?: number;
  logger: Logger;
  clock?: () => number;
}

export class RequestLogWriter implements RequestLogSink {
  private buffer: RequestLogRow[] = [];
  private writing: Promise<void> | undefined;
  /** Rows of the batch being written (taken out of the buffer, not confirmed yet). */
  private inWrite = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastWriteStartedAt: number;
  private lastRecordAt: number | undefined;
  private earlyWritePlanned = false;
  private closed = false;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly retryIntervalMs: number;
  private readonly clock: () => number;
  private readonly reporter: RequestLogReporter;

  constructor(
    private readonly db: Database,
    private readonly options: RequestLogWriterOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxBuffered = options.maxBuffered ?? 50_000;
    this.retryIntervalMs = options.retryIntervalMs ?? 1_000;
    this.clock = options.clock ?? (() => performance.now());
    // The first rows after start wait like any others, so a long interval can hold rows back on purpose.
    this.lastWriteStartedAt = this.clock();
    this.reporter = new RequestLogReporter({
      logger: options.logger,
      maxBuffered: this.maxBuffered,
      summaryIntervalMs: options.summaryIntervalMs ?? 60_000,
      clock: this.clock,
    });
  }

  record(row: RequestLogRow): void {
    this.buffer.push(row);
    this.dropOverflow();
    const now = this.clock();
    const sincePrevious = this.lastRecordAt === undefined ? 0 : now - this.lastRecordAt;
    this.lastRecordAt = now;
    if (this.closed) return;
    if (this.dueBeforeNextRow(now, sincePrevious)) this.writeAfterThisTask();
    else this.scheduleWrite();
  }

  /** Starts the planned write once the current task ends, so rows recorded in the same turn go with it. */
  private writeAfterThisTask(): void {
    if (this.earlyWritePlanned) return;
    this.earlyWritePlanned = true;
    queueMicrotask(() => {
      this.earlyWritePlanned = false;
      if (!this.closed && !this.writing && this.buffer.length > 0) void this.startWrite(false);
    });
  }

  /**
   * A planned write falls due before the next row is expected (the gap between the last two rows):
   * with one request at a time its timer would fire in the middle of the next request, so it starts
   * now (once the current task ends), in the idle moment its answer has just left (rows are recorded
   * after the answer is handed over, deferred-finishes.ts). Earlier, never later: no row waits
   * longer. With many connections rows come a fraction of a millisecond apart, so writes move at
   * most that much.
   */
  private dueBeforeNextRow(now: number, sincePrevious: number): boolean {
    if (!this.timer || this.writing || !this.reporter.databaseReachable) return false;
    // A write due already has its timer at 0: it goes at the next turn, as before.
    const dueIn = this.lastWriteStartedAt + this.options.flushIntervalMs - now;
    return dueIn > 0 && dueIn < sincePrevious;
  }

  /** Keeps the buffer bounded: the oldest rows go first. */
  private dropOverflow(): void {
    if (this.buffer.length <= this.maxBuffered) return;
    const dropped = this.buffer.length - this.maxBuffered;
    this.buffer.splice(0, dropped);
    this.reporter.rowsDropped(dropped, this.buffer.length);
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Rows not in the database yet: those waiting and those of the write under way. */
  get unwritten(): number {
    return this.buffer.length + this.inWrite;
  }

  status(): RequestLogStatus {
    return this.reporter.status(this.buffer.length, this.inWrite);
  }

  /** Writes everything buffered so far, now; concurrent callers share the writes. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.buffer.length === 0) return;
    await this.startWrite(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    await this.flush();
    this.cancelTimer();
    this.reporter.closedWithPending(this.buffer.length);
  }

  /** Makes sure a write is under way or planned for the rows waiting. */
  private scheduleWrite(): void {
    if (this.writing || this.buffer.length === 0) return;
    const reachable = this.reporter.databaseReachable;
    // A full batch goes at once, even when a write was planned for later.
    const full = reachable && this.buffer.length >= this.maxBatch;
    if (this.timer && !full) return;
    const delay = full ? 0 : reachable ? Math.max(0, this.lastWriteStartedAt + this.options.flushIntervalMs - this.clock()) : this.retryIntervalMs;
    this.cancelTimer();
    // Even a write due now waits for a turn of the event loop: PGlite writes run on this thread, and
    // a backlog written batch after batch must let requests through in between.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.startWrite(false);
    }, delay);
    // The timer alone must not keep the process alive.
    this.timer.unref?.();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** `all`: write batch after batch until the buffer is empty (flush, close); else one batch. */
  private startWrite(all: boolean): Promise<void> {
    this.cancelTimer();
    const writing = this.writeBatches(all).finally(() => {
      this.writing = undefined;
      if (!this.closed) this.scheduleWrite();
    });
    this.writing = writing;
    return writing;
  }

  private async writeBatches(all: boolean): Promise<void> {
    do {
      this.lastWriteStartedAt = this.clock();
      const batch = this.buffer.splice(0, this.maxBatch);
      if (!(await this.writeBatch(batch))) return;
    } while (all && this.buffer.length > 0);
  }

  /** False when the database failed: the unwritten rows are back at the head of the buffer. */
  private async writeBatch(batch: RequestLogRow[]): Promise<boolean> {
    this.inWrite = batch.length;
    try {
      await insertRequestLogs(this.db, batch);
      this.inWrite = 0;
      this.reporter.writeSucceeded(batch.length, this.buffer.length);
      return true;
    } catch (error) {
      // The database refused the data itself (a number out of range): retrying the batch could never
      // succeed and would block every row behind it. Write its rows one by one, dropping only those refused.
      const unwritten = isRefusedData(error) ? await this.writeEachAlone(batch) : { rows: batch, error };
      this.inWrite = 0;
      if (unwritten.rows.length === 0) return true;
      this.buffer.unshift(...unwritten.rows);
      this.reporter.writeFailed(unwritten.error, this.buffer.length);
      this.dropOverflow();
      return false;
    }
  }

  /** Rows left unwritten when the database itself failed part-way (they are kept for the next write). */
  private async writeEachAlone(batch: RequestLogRow[]): Promise<{ rows: RequestLogRow[]; error?: unknown }> {
    let written = 0;
    for (const [index, row] of batch.entries()) {
      this.inWrite = batch.length - index;
      try {
        await insertRequestLogs(this.db, [row]);
        written++;
      } catch (error) {
        if (!isRefusedData(error)) {
          if (written > 0) this.reporter.writeSucceeded(written, this.buffer.length);
          return { rows: batch.slice(index), error };
        }
        this.reporter.rowRefused(row.taskId, error);
      }
    }
    if (written > 0) this.reporter.writeSucceeded(written, this.buffer.length);
    return { rows: [] };
  }
}
