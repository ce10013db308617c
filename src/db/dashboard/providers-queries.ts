import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { numberOf, rowsOf } from "../rows-of";
import { requestRollup } from "../schema";
import { rollupBetween } from "./rollup-helpers";

/** The providers page's figures, from the hourly rollup. */
export interface ModelUsage {
  provider: string;
  model: string;
  requests: number;
  succeeded: number;
  failed: number;
  costUsd: number;
  meanLatencyMs: number | null;
}

/** Requests, failures, cost and mean latency per provider and model since a date. */
export async function loadModelUsage(db: Database, since: Date, until: Date): Promise<ModelUsage[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${requestRollup.provider} as provider, ${requestRollup.model} as model, sum(${requestRollup.requests}) as requests,
        sum(${requestRollup.succeeded}) as succeeded, sum(${requestRollup.failed}) as failed, sum(${requestRollup.costUsd}) as cost,
        sum(${requestRollup.latencyMsSum}::float8) as latency_sum
      from ${requestRollup} where ${rollupBetween(since, until)} and ${requestRollup.provider} <> ''
      group by 1, 2 order by 3 desc`),
  );
  return rows.map((row) => {
    const succeeded = numberOf(row.succeeded);
    return {
      provider: String(row.provider),
      model: String(row.model),
      requests: numberOf(row.requests),
      succeeded,
      failed: numberOf(row.failed),
      costUsd: numberOf(row.cost),
      meanLatencyMs: succeeded > 0 ? numberOf(row.latency_sum) / succeeded : null,
    };
  });
}
