import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { numberOf, rowsOf } from "../rows-of";
import { feedback, requestLog, requestRollup } from "../schema";
import { rollupBetween, tierRank } from "./rollup-helpers";

/** The routing page's figures: how often each tier served, and the latest ratings. */

/** Requests per tier since a date ("none" for requests that never reached routing). */
export async function loadTierCounts(db: Database, since: Date, until: Date): Promise<Array<{ tier: string; requests: number }>> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${requestRollup.tier} as tier, sum(${requestRollup.requests}) as requests
      from ${requestRollup} where ${rollupBetween(since, until)}
      group by 1`),
  );
  return rows
    .map((row) => ({ tier: String(row.tier || "none"), requests: numberOf(row.requests) }))
    .filter((row) => row.requests > 0)
    .sort((a, b) => tierRank(a.tier) - tierRank(b.tier));
}

/** The latest ratings, newest first, with the model each rated answer came from. */
export async function listRecentFeedback(db: Database, limit: number) {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${feedback.taskId} as task_id, extract(epoch from ${feedback.createdAt}) * 1000 as at, ${feedback.rating} as rating,
        ${feedback.comment} as comment, ${feedback.source} as source, ${requestLog.provider} as provider, ${requestLog.model} as model,
        ${requestLog.category} as category
      from ${feedback} left join ${requestLog} on ${requestLog.taskId} = ${feedback.taskId}
      order by ${feedback.createdAt} desc limit ${limit}`),
  );
  return rows.map((row) => ({
    taskId: String(row.task_id),
    createdAt: new Date(numberOf(row.at)),
    rating: numberOf(row.rating),
    comment: row.comment === null || row.comment === undefined ? null : String(row.comment),
    source: String(row.source),
    provider: row.provider ? String(row.provider) : null,
    model: row.model ? String(row.model) : null,
    category: row.category ? String(row.category) : null,
  }));
}

export type RecentFeedback = Awaited<ReturnType<typeof listRecentFeedback>>[number];
