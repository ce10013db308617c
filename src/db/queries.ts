import { and, desc, eq, gt, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import { modelKey } from "../catalog/model-key";
import type { Database } from "./client";
import { errorCode } from "./driver-error";
import { recordArrayInsert } from "./record-array-insert";
import { storedRow, storedText } from "./stored-text";
import { type FeedbackRow, type RequestLogRow, feedback, requestLog } from "./schema";

/** Every read and write of the database goes through this module. */

/** One statement and one parameter, an array of request_log rows, whatever the batch size (see record-array-insert.ts for why), prepared once per connection. */
const insertRequestLogRows = recordArrayInsert(requestLog);
/** The same, skipping task ids already stored: ON CONFLICT costs the server 1.5-3.5 µs a row (a speculative insertion; bench/log-conflict-cost.ts), so only a batch that met a stored row pays it. */
const insertNewRequestLogRows = recordArrayInsert(requestLog, sql`on conflict (${sql.identifier(requestLog.taskId.name)}) do nothing`);

/** Stores each task id once: a batch written again (a retry after a commit whose answer was lost) adds only the rows not stored yet. */
export async function insertRequestLogs(db: Database, rows: RequestLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await insertRequestLogRows(db, rows);
  } catch (error) {
    // unique_violation: the only unique index on request_log is the task id's. The failed statement
    // stored nothing (nor touched the rollups), so the batch goes again, stored rows skipped.
    if (errorCode(error) !== "23505") throw error;
    await insertNewRequestLogRows(db, rows);
  }
}

export async function findRequestLog(db: Database, taskId: string) {
  const rows = await db.select().from(requestLog).where(eq(requestLog.taskId, taskId)).limit(1);
  return rows[0];
}

export async function listRecentRequestLogs(db: Database, limit = 50) {
  return db.select().from(requestLog).orderBy(desc(requestLog.createdAt)).limit(limit);
}

/**
 * The latest request of a conversation, answered or failed, other than the proxy's own replies (a
 * rating's, provider "proxy"); the key is matched as it was stored.
 */
export async function findLatestTaskForSession(db: Database, sessionKey: string) {
  const rows = await db
    .select({ taskId: requestLog.taskId, provider: requestLog.provider, model: requestLog.model, status: requestLog.status, errorType: requestLog.errorType })
    .from(requestLog)
    .where(and(eq(requestLog.sessionKey, storedText(sessionKey)), or(isNull(requestLog.provider), ne(requestLog.provider, "proxy"))))
    .orderBy(desc(requestLog.createdAt))
    .limit(1);
  return rows[0];
}

export async function insertFeedback(db: Database, row: FeedbackRow): Promise<void> {
  await db.insert(feedback).values(storedRow(row));
}

export async function listFeedbackForTask(db: Database, taskId: string) {
  return db.select().from(feedback).where(eq(feedback.taskId, taskId)).orderBy(desc(feedback.createdAt));
}

/**
 * Success samples per (category, provider:model) since a date: a 200 counts as success, a 5xx or
 * 429 as failure, unless the task's latest feedback says otherwise; client aborts, client errors
 * and cache hits are not samples.
 */
export async function loadSuccessSamples(db: Database, since: Date) {
  const latestRating = sql<number | null>`(select ${feedback.rating} from ${feedback} where ${feedback.taskId} = ${requestLog.taskId} order by ${feedback.createdAt} desc limit 1)`;
  const success = sql`coalesce(${latestRating} > 0, ${requestLog.status} = 200)`;
  const rows = await db
    .select({
      category: requestLog.category,
      provider: requestLog.provider,
      model: requestLog.model,
      total: sql<number>`count(*)::int`,
      successes: sql<number>`sum(case when ${success} then 1 else 0 end)::int`,
    })
    .from(requestLog)
    .where(
      and(
        gt(requestLog.createdAt, since),
        isNotNull(requestLog.category),
        isNotNull(requestLog.model),
        ne(requestLog.provider, "proxy"),
        // A cache hit replays an answer; it says nothing new about the model.
        sql`${requestLog.cacheStatus} is distinct from 'hit'`,
        sql`(${requestLog.status} = 200 or ${requestLog.status} >= 500 or ${requestLog.status} = 429)`,
        // Answers cut by the proxy's own shutdown say nothing about the model (pipeline/outcome.ts).
        sql`${requestLog.errorType} is distinct from 'shutting_down'`,
      ),
    )
    .groupBy(requestLog.category, requestLog.provider, requestLog.model);
  return rows.map((row) => ({ category: row.category!, modelKey: modelKey(row.provider!, row.model!), total: Number(row.total), successes: Number(row.successes) }));
}

export { type TierOutcome, loadTierOutcomes } from "./tier-outcome-queries";
