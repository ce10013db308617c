import type { Logger } from "../logger";
import type { Database } from "./client";
import { pruneRequestLogBatch } from "./retention-queries";

export interface RetentionOptions {
  retentionDays: number;
  /** How often to look for old rows. */
  intervalMs?: number;
  /** Rows per delete: small, so no statement holds locks or the PGlite connection for long. */
  batchSize?: number;
  /** Pause between batches, so requests' log writes get the database in between. */
  pauseMs?: number;
  logger: Logger;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * LOG_RETENTION_DAYS: prunes request-log rows older than the retention in the background, in small
 * batches with pauses between them, so a long-lived install does not grow without bound and
 * traffic is never blocked. The dashboard's rollups keep counting the pruned rows.
 */
export class RequestLogRetention {
  private readonly timer: ReturnType<typeof setInterval>;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly options: RetentionOptions,
  ) {
    this.timer = setInterval(() => void this.pruneNow(), options.intervalMs ?? 3_600_000);
    this.timer.unref?.();
    // A first pass soon after start, not in the middle of it.
    setTimeout(() => void this.pruneNow(), 10_000).unref?.();
  }

  /** Prunes everything now past retention; resolves to the number of rows deleted. Shares a run in progress. */
  pruneNow(): Promise<number> {
    this.running ??= this.pruneAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the schedule and waits for a batch in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => {});
  }

  private async pruneAll(): Promise<number> {
    const { retentionDays, batchSize = 500, pauseMs = 50, logger } = this.options;
    const cutoff = new Date((this.options.now ?? Date.now)() - retentionDays * DAY_MS);
    let total = 0;
    try {
      while (!this.stopped) {
        const deleted = await pruneRequestLogBatch(this.db, cutoff, batchSize);
        total += deleted;
        if (deleted < batchSize) break;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
      if (total > 0) logger.info("pruned old request-log rows", { rows: total, olderThanDays: retentionDays });
    } catch (error) {
      logger.warn("request-log pruning failed; will retry at the next interval", { error: (error as Error).message });
    }
    return total;
  }
}
