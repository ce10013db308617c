import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { rowsOf } from "./rows-of";

/**
 * Deletes up to `limit` request-log rows created before `cutoff`; returns how many went. The
 * delete runs with claude_proxy.pruning = 'on' for its transaction, which tells the rollup trigger
 * (migration 0003) to leave the dashboard's totals as they are. SKIP LOCKED lets two instances
 * prune at once without waiting on each other.
 */
export async function pruneRequestLogBatch(db: Database, cutoff: Date, limit: number): Promise<number> {
  return db.transaction(async (transaction) => {
    await transaction.execute(sql`select set_config('claude_proxy.pruning', 'on', true)`);
    const deleted = rowsOf<{ task_id: string }>(
      await transaction.execute(sql`
        delete from request_log where task_id in (
          select task_id from request_log where created_at < ${cutoff.toISOString()}::timestamptz
          order by created_at limit ${limit} for update skip locked)
        returning task_id`),
    );
    return deleted.length;
  });
}
