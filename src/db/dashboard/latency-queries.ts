import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { numberOf, rowsOf } from "../rows-of";
import { latencyRollup, latencyRollupDaily } from "../schema";
import type { SlotCount } from "./latency-histogram";
import { iso } from "./rollup-helpers";

const DAY_MS = 86_400_000;

/**
 * Latency histogram slots of a window: whole UTC days from the daily table, the ragged ends from
 * the hourly one (percentiles need no time buckets, so the two add up exactly).
 */
export async function loadLatencySlots(db: Database, since: Date, until: Date): Promise<{ latency: SlotCount[]; ttft: SlotCount[] }> {
  const firstDay = new Date(Math.ceil(since.getTime() / DAY_MS) * DAY_MS);
  const lastDay = new Date(Math.floor(until.getTime() / DAY_MS) * DAY_MS);
  const hourly = (from: Date, to: Date, inclusive: boolean) =>
    sql`select ${latencyRollup.kind} as kind, ${latencyRollup.slot} as slot, ${latencyRollup.count} as count from ${latencyRollup}
      where ${latencyRollup.hour} >= ${iso(from)}::timestamptz and ${latencyRollup.hour} ${inclusive ? sql`<=` : sql`<`} ${iso(to)}::timestamptz`;
  const parts =
    firstDay < lastDay
      ? sql`${hourly(since, firstDay, false)}
        union all select ${latencyRollupDaily.kind}, ${latencyRollupDaily.slot}, ${latencyRollupDaily.count} from ${latencyRollupDaily}
          where ${latencyRollupDaily.day} >= ${iso(firstDay)}::timestamptz and ${latencyRollupDaily.day} < ${iso(lastDay)}::timestamptz
        union all ${hourly(lastDay, until, true)}`
      : hourly(since, until, true);
  const rows = rowsOf<Record<string, unknown>>(await db.execute(sql`select kind, slot, sum(count) as count from (${parts}) as slots group by 1, 2`));
  const pick = (kind: string) => rows.filter((row) => row.kind === kind).map((row) => ({ slot: numberOf(row.slot), count: numberOf(row.count) }));
  return { latency: pick("latency"), ttft: pick("ttft") };
}
