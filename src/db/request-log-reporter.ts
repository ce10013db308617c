import type { Logger } from "../logger";
import { rootMessage } from "./driver-error";

/** The request log's counters, for /health and metrics. */
export interface RequestLogStatus {
  /** Rows waiting in memory for their write. */
  pending: number;
  /** Rows of the write under way (sent, not yet confirmed): not in the database yet either. */
  writing: number;
  /** Rows written since start. */
  written: number;
  /** Rows dropped because the buffer was full (the database too slow or unreachable). */
  dropped: number;
  /** Rows the database refused as invalid, dropped. */
  refused: number;
  /** Whether the last write reached the database. */
  databaseReachable: boolean;
  /** While it does not: since when (the first failed write), as an ISO time. */
  lostSince?: string;
}

export interface RequestLogReporterOptions {
  logger: Logger;
  maxBuffered: number;
  /** How often a condition that lasts (an unreachable database, a full buffer) is summarised. */
  summaryIntervalMs: number;
  clock: () => number;
}

/**
 * Counts what happens to request-log rows and reports each change of state once: the database
 * lost, still lost (one summary per interval, with counts), recovered; the buffer full (first
 * drop), still full, room again. A database gone for good or a flood of drops gives a few lines
 * an interval, never one per attempt or per row.
 */
export class RequestLogReporter {
  private counters = { written: 0, dropped: 0, refused: 0 };
  private reachable = true;
  private downSince = 0;
  private downSinceWall: Date | undefined;
  private failedWrites = 0;
  private droppedWhileDown = 0;
  private overflowing = false;
  private droppedInOverflow = 0;
  private lastSummaryAt = 0;
  private lastRefusedLineAt = Number.NEGATIVE_INFINITY;
  private refusedSinceLine = 0;

  constructor(private readonly options: RequestLogReporterOptions) {}

  status(pending: number, writing: number): RequestLogStatus {
    return { pending, writing, ...this.counters, databaseReachable: this.reachable, ...(this.reachable ? {} : { lostSince: this.downSinceWall?.toISOString() }) };
  }

  get databaseReachable(): boolean {
    return this.reachable;
  }

  writeSucceeded(rows: number, pending: number): void {
    this.counters.written += rows;
    const now = this.options.clock();
    if (!this.reachable) {
      this.reachable = true;
      this.options.logger.info("request log: the database is reachable again", {
        downSeconds: seconds(now - this.downSince),
        failedWrites: this.failedWrites,
        dropped: this.droppedWhileDown,
        pending,
      });
    }
    if (this.overflowing && pending < this.options.maxBuffered) {
      this.overflowing = false;
      this.options.logger.info("request log buffer has room again", { dropped: this.droppedInOverflow, pending });
    }
  }

  writeFailed(error: unknown, pending: number): void {
    const now = this.options.clock();
    this.failedWrites++;
    if (this.reachable) {
      this.reachable = false;
      this.downSince = now;
      this.downSinceWall = new Date();
      this.failedWrites = 1;
      this.droppedWhileDown = 0;
      this.lastSummaryAt = now;
      this.options.logger.error("request log: the database is unreachable; rows are kept in memory and retried", { pending, error: rootMessage(error) });
      return;
    }
    this.summarize(now, pending, error);
  }

  rowsDropped(count: number, pending: number): void {
    const now = this.options.clock();
    this.counters.dropped += count;
    if (!this.reachable) this.droppedWhileDown += count;
    if (!this.overflowing) {
      this.overflowing = true;
      this.droppedInOverflow = count;
      // While the database is down, its own summaries carry the drops from here on.
      if (this.reachable) this.lastSummaryAt = now;
      this.options.logger.error("request log buffer full; dropping the oldest rows", {
        maxBuffered: this.options.maxBuffered,
        dropped: count,
        databaseReachable: this.reachable,
      });
      return;
    }
    this.droppedInOverflow += count;
    this.summarize(now, pending);
  }

  rowRefused(taskId: string, error: unknown): void {
    const now = this.options.clock();
    this.counters.refused++;
    this.refusedSinceLine++;
    if (now - this.lastRefusedLineAt < this.options.summaryIntervalMs) return;
    this.options.logger.error("request log row refused by the database; dropped", { taskId, error: rootMessage(error), refused: this.refusedSinceLine });
    this.lastRefusedLineAt = now;
    this.refusedSinceLine = 0;
  }

  /** Rows still in memory when the writer closes: they are lost with the process. */
  closedWithPending(pending: number): void {
    if (pending > 0) this.options.logger.error("request log: rows could not be written before exit; they are lost", { lost: pending, databaseReachable: this.reachable });
  }

  /** At most one line per interval while the database stays down or the buffer stays full. */
  private summarize(now: number, pending: number, error?: unknown): void {
    if (now - this.lastSummaryAt < this.options.summaryIntervalMs) return;
    this.lastSummaryAt = now;
    if (!this.reachable) {
      this.options.logger.error("request log: the database is still unreachable", {
        downSeconds: seconds(now - this.downSince),
        failedWrites: this.failedWrites,
        pending,
        dropped: this.droppedWhileDown,
        ...(error === undefined ? {} : { error: rootMessage(error) }),
      });
    } else {
      this.options.logger.error("request log buffer still full; dropping the oldest rows", { dropped: this.droppedInOverflow, pending });
    }
  }
}

const seconds = (ms: number) => Math.round(ms / 1000);
