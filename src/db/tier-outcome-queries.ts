import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { numberOf, rowsOf } from "./rows-of";
import { feedback, requestLog, requestRollup } from "./schema";

/** One tier's record since a date: how often it served, how often by `auto`, how its answers were rated. */
export interface TierOutcome {
  tier: string;
  requests: number;
  /** Chosen by the classifier (model `auto`), not named by the client. */
  auto: number;
  rated: number;
  /** Tasks whose latest rating is bad. */
  ratedBad: number;
}

const HOUR_MS = 3_600_000;
const iso = (date: Date) => date.toISOString();

/**
 * Per tier served after `since` (and before `until`): requests and `auto` requests, rows a provider
 * other than the proxy's own replies served; and of those, the tasks rated and rated bad by their
 * latest rating. Counting the log's rows with a rating lookup each took 9-12 s over a million rows;
 * the counts come from request_rollup's whole hours instead (migration 0012), and from request_log
 * only for the window's ragged ends (under an hour each, by created_at's index). Ratings are few,
 * and each carries its request's time, tier and provider (migration 0012), so each task's latest is
 * found in feedback alone. Requests retention pruned from the log still count, as do their ratings.
 */
export async function loadTierOutcomes(db: Database, since: Date, until?: Date): Promise<TierOutcome[]> {
  // The first whole hour after `since` (an hour starting at `since` itself would hold a row at
  // `since`, which the window leaves out), and the end of the last whole hour before `until`.
  const firstHour = new Date(Math.floor(since.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  const lastHourEnd = until ? new Date(Math.floor(until.getTime() / HOUR_MS) * HOUR_MS) : undefined;
  const r = requestRollup;
  const l = requestLog;
  const rawEnds = until
    ? sql`(${l.createdAt} > ${iso(since)}::timestamptz and ${l.createdAt} < least(${iso(firstHour)}::timestamptz, ${iso(until)}::timestamptz))
        or (${l.createdAt} >= greatest(${iso(firstHour)}::timestamptz, ${iso(lastHourEnd!)}::timestamptz) and ${l.createdAt} < ${iso(until)}::timestamptz)`
    : sql`${l.createdAt} > ${iso(since)}::timestamptz and ${l.createdAt} < ${iso(firstHour)}::timestamptz`;
  const f = feedback;
  // A task's ratings all carry its request's time: the window keeps all of them or none.
  const ratedWindow = until
    ? sql`${f.requestCreatedAt} > ${iso(since)}::timestamptz and ${f.requestCreatedAt} < ${iso(until)}::timestamptz`
    : sql`${f.requestCreatedAt} > ${iso(since)}::timestamptz`;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with counts as (
        select ${r.tier} as tier, ${r.requests} as requests, ${r.autoRequests} as auto
        from ${r}
        where ${r.hour} >= ${iso(firstHour)}::timestamptz ${lastHourEnd ? sql`and ${r.hour} < ${iso(lastHourEnd)}::timestamptz` : sql``}
          and ${r.tier} <> '' and ${r.provider} <> '' and ${r.provider} <> 'proxy'
        union all
        select ${l.tier}, 1, case when lower(${l.requestedModel}) = 'auto' then 1 else 0 end
        from ${l}
        where (${rawEnds}) and ${l.tier} is not null and ${l.provider} <> 'proxy'
      ),
      latest as (
        select distinct on (${f.taskId}) ${f.requestTier} as tier, ${f.rating} as rating
        from ${f}
        where ${ratedWindow} and ${f.requestTier} is not null and ${f.requestProvider} <> 'proxy'
        order by ${f.taskId}, ${f.createdAt} desc
      ),
      ratings as (select tier, count(*) as rated, count(*) filter (where rating < 0) as rated_bad from latest group by 1),
      tiers as (select tier, sum(requests) as requests, sum(auto) as auto from counts group by 1 having sum(requests) > 0)
      select tiers.tier, tiers.requests, tiers.auto, coalesce(ratings.rated, 0) as rated, coalesce(ratings.rated_bad, 0) as rated_bad
      from tiers left join ratings on ratings.tier = tiers.tier
      order by tiers.tier`),
  );
  return rows.map((row) => ({
    tier: String(row.tier),
    requests: numberOf(row.requests),
    auto: numberOf(row.auto),
    rated: numberOf(row.rated),
    ratedBad: numberOf(row.rated_bad),
  }));
}
