import { desc, eq } from "drizzle-orm";
import type { Database } from "./client";
import { type RequestLogRow, requestLog } from "./schema";

/** Every read and write of the database goes through this module. */

export async function insertRequestLogs(db: Database, rows: RequestLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(requestLog).values(rows).onConflictDoNothing({ target: requestLog.taskId });
}

export async function findRequestLog(db: Database, taskId: string) {
  const rows = await db.select().from(requestLog).where(eq(requestLog.taskId, taskId)).limit(1);
  return rows[0];
}

export async function listRecentRequestLogs(db: Database, limit = 50) {
  return db.select().from(requestLog).orderBy(desc(requestLog.createdAt)).limit(limit);
}
