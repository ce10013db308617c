import { inArray } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import { type RequestLogRow, requestLog } from "../../src/db/schema";

/** A plausible request-log row with a fresh task id; override what the test is about. */
export function makeLogRow(overrides: Partial<RequestLogRow> = {}): RequestLogRow {
  return {
    taskId: crypto.randomUUID(),
    createdAt: new Date(),
    door: "openai",
    userAgent: "test-suite",
    requestedModel: "gpt-4o-mini",
    provider: "openai",
    model: "gpt-4o-mini",
    stream: false,
    status: 200,
    tokensIn: 20,
    tokensOut: 7,
    costUsd: 0.0000072,
    latencyMs: 12,
    promptBytes: 64,
    messageCount: 1,
    ...overrides,
  };
}

/** Removes the given tasks' rows (tests share one database; each cleans up after itself). */
export async function deleteLogRows(db: Database, taskIds: string[]): Promise<void> {
  if (taskIds.length > 0) await db.delete(requestLog).where(inArray(requestLog.taskId, taskIds));
}

/** How many of the given tasks have a row. */
export async function countLogRows(db: Database, taskIds: string[]): Promise<number> {
  if (taskIds.length === 0) return 0;
  const rows = await db.select({ taskId: requestLog.taskId }).from(requestLog).where(inArray(requestLog.taskId, taskIds));
  return rows.length;
}

/** Which of the given tasks have a row. */
export async function loggedTaskIds(db: Database, taskIds: string[]): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const rows = await db.select({ taskId: requestLog.taskId }).from(requestLog).where(inArray(requestLog.taskId, taskIds));
  return rows.map((row) => row.taskId);
}

/** Makes rows and remembers their task ids in `created`, so the test can delete them afterwards. */
export function trackedLogRows() {
  const created: string[] = [];
  const rows = (count: number, overrides: Partial<RequestLogRow> = {}) =>
    Array.from({ length: count }, () => {
      const row = makeLogRow(overrides);
      created.push(row.taskId);
      return row;
    });
  return { created, rows };
}

export const taskIdsOf = (list: RequestLogRow[]): string[] => list.map((row) => row.taskId);
