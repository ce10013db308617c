import { and, isNotNull, notInArray, sql } from "drizzle-orm";
import type { BudgetLimit, BudgetPeriod, BudgetUsage } from "../budget/budget-types";
import type { Database } from "./client";
import { arrayLiteral } from "./column-arrays";
import { executeFixed } from "./prepared-statement";
import { rowsOf } from "./rows-of";
import { budgetLimit, budgetReservation, budgetSpend } from "./schema";

/**
 * Every read and write of the budget tables. Reservation and usage are SQL functions of the
 * migration that added these tables (budget_reserve, budget_usage): see why there.
 */

interface UsageRow {
  scope: string;
  period: string;
  limit_usd: number | string | null;
  spent_usd: number | string;
  reserved_usd: number | string;
  period_start: Date | string;
  resets_at: Date | string;
}

function toUsage(row: UsageRow): BudgetUsage {
  return {
    scope: row.scope,
    period: row.period as BudgetPeriod,
    limitUsd: Number(row.limit_usd),
    spentUsd: Number(row.spent_usd),
    reservedUsd: Number(row.reserved_usd),
    periodStart: new Date(row.period_start),
    resetsAt: new Date(row.resets_at),
  };
}

export interface ReservationRequest {
  id: string;
  instanceId: string;
  /** Scope → the most this request may cost there. */
  amounts: ReadonlyMap<string, number>;
  timeZone: string;
  leaseSeconds: number;
}

export interface ReservationResult {
  granted: boolean;
  /** Every limited budget after the decision (this reservation included when granted). */
  usage: BudgetUsage[];
  dayStart?: Date;
  monthStart?: Date;
  /** When the day of `dayStart` ends in the time zone, daily limit or not (a lease grants only within its day). */
  dayEnd?: Date;
}

export async function reserveBudget(db: Database, request: ReservationRequest): Promise<ReservationResult> {
  const scopes = [...request.amounts.keys()];
  const amounts = [...request.amounts.values()];
  // The day's end as budget_usage computes a daily budget's resets_at, at the same now() as budget_reserve's day.
  const rows = rowsOf<UsageRow & { granted: boolean; day_start: Date | string; month_start: Date | string; day_end: Date | string }>(
    await executeFixed(
      db,
      sql`
      select r.*, (date_trunc('day', now() at time zone ${request.timeZone}) + interval '1 day') at time zone ${request.timeZone} as day_end
      from budget_reserve(${request.id}::uuid, ${request.instanceId}::uuid, ${`{${scopes.map(quoteArrayItem).join(",")}}`}::text[],
        ${`{${amounts.join(",")}}`}::double precision[], ${request.timeZone}, ${request.leaseSeconds}) r`,
    ),
  );
  const first = rows[0];
  if (!first) return { granted: true, usage: [] };
  return {
    granted: first.granted,
    usage: rows.map(toUsage),
    dayStart: new Date(first.day_start),
    monthStart: new Date(first.month_start),
    dayEnd: new Date(first.day_end),
  };
}

/** A text[] literal item: quoted, with quotes and backslashes escaped (scopes are provider ids, but still). */
const quoteArrayItem = (value: string) => `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

/** Spend of one finished request on one scope, and the reservation it releases. */
export interface SpendEntry {
  reservationId: string | null;
  /** The lease (budget-lease.ts) the request was held on: the spend moves from its row to the spend. */
  leaseId: string | null;
  scope: string;
  amountUsd: number;
  /** The reservation's periods; without a reservation, the periods that contain `at`. */
  dayStart: Date | null;
  monthStart: Date | null;
  at: Date;
}

/**
 * Adds spend, releases reservations and lowers leases by what their requests spent, in one
 * statement, so no moment counts a cost twice or not at all.
 */
export async function settleBudgets(db: Database, entries: readonly SpendEntry[], timeZone: string): Promise<void> {
  if (entries.length === 0) return;
  // One array per field (see column-arrays.ts: cheaper for the server to read than JSON records); a
  // non-finite amount goes as null, as it did in JSON, and adds nothing.
  const column = (value: (entry: SpendEntry) => unknown) => arrayLiteral(entries, value);
  await executeFixed(
    db,
    sql`
    with entries as (
      select * from unnest(${column((entry) => entry.reservationId)}::uuid[], ${column((entry) => entry.leaseId)}::uuid[], ${column((entry) => entry.scope)}::text[],
        ${column((entry) => (Number.isFinite(entry.amountUsd) ? entry.amountUsd : null))}::double precision[], ${column((entry) => entry.dayStart)}::timestamptz[],
        ${column((entry) => entry.monthStart)}::timestamptz[], ${column((entry) => entry.at)}::timestamptz[])
        as e(reservation, lease, scope, amount, day_start, month_start, at)
    ),
    released as (
      delete from ${budgetReservation} r where r.id in (select reservation from entries where reservation is not null) returning 1
    ),
    leased as (
      update ${budgetReservation} r set amount_usd = greatest(0, r.amount_usd - l.amount)
      from (select lease, scope, sum(amount) as amount from entries where lease is not null group by lease, scope) l
      where r.id = l.lease and r.scope = l.scope
      returning 1
    ),
    spend as (
      select scope, 'daily' as period, coalesce(day_start, date_trunc('day', at at time zone ${timeZone}) at time zone ${timeZone}) as period_start, amount from entries
      union all
      select scope, 'monthly', coalesce(month_start, date_trunc('month', at at time zone ${timeZone}) at time zone ${timeZone}), amount from entries
    )
    insert into ${budgetSpend} (scope, period, period_start, spent_usd)
    select scope, period, period_start, sum(amount) from spend where amount > 0 group by scope, period, period_start
    on conflict (scope, period, period_start) do update set spent_usd = ${budgetSpend}.spent_usd + excluded.spent_usd`,
  );
}

/** Gives back part of a lease's room (what it has not handed to requests). */
export async function giveBackLease(db: Database, id: string, scope: string, amountUsd: number): Promise<void> {
  await db.execute(sql`update ${budgetReservation} set amount_usd = greatest(0, amount_usd - ${amountUsd}) where id = ${id}::uuid and scope = ${scope}`);
}

/** Deletes a lease whose requests have all ended and been written. */
export async function dropLease(db: Database, id: string, scope: string): Promise<void> {
  await db.execute(sql`delete from ${budgetReservation} where id = ${id}::uuid and scope = ${scope}`);
}

/** Keeps this instance's reservations alive; those of an instance that stopped renewing expire. */
export async function renewBudgetReservations(db: Database, instanceId: string, leaseSeconds: number): Promise<void> {
  await db.execute(sql`update ${budgetReservation} set expires_at = now() + make_interval(secs => ${leaseSeconds}) where instance_id = ${instanceId}::uuid`);
  await db.execute(sql`delete from ${budgetReservation} where expires_at < now() - interval '1 hour'`);
}

/** Every budget row (limits removed through the API included) in its current period. */
export type BudgetRow = Omit<BudgetUsage, "limitUsd"> & { limitUsd: number | null; configUsd: number | null };

export async function listBudgetUsage(db: Database, timeZone: string): Promise<BudgetRow[]> {
  const rows = rowsOf<UsageRow & { config_usd: number | string | null }>(await db.execute(sql`select * from budget_usage(${timeZone}) order by scope, period`));
  return rows.map((row) => ({
    ...toUsage(row),
    limitUsd: row.limit_usd === null ? null : Number(row.limit_usd),
    configUsd: row.config_usd === null ? null : Number(row.config_usd),
  }));
}

/** The budgets that limit anything now. */
export async function listBudgetLimits(db: Database): Promise<BudgetLimit[]> {
  const rows = await db.select({ scope: budgetLimit.scope, period: budgetLimit.period, limitUsd: budgetLimit.limitUsd }).from(budgetLimit).where(isNotNull(budgetLimit.limitUsd));
  return rows.map((row) => ({ scope: row.scope, period: row.period as BudgetPeriod, limitUsd: row.limitUsd }));
}

/** Sets (or, with null, removes) limits through the API; the configuration's values stay on record. */
export async function setBudgetLimits(db: Database, limits: readonly BudgetLimit[]): Promise<void> {
  for (const limit of limits) {
    await db
      .insert(budgetLimit)
      .values({ scope: limit.scope, period: limit.period, limitUsd: limit.limitUsd, configUsd: null, updatedAt: new Date() })
      .onConflictDoUpdate({ target: [budgetLimit.scope, budgetLimit.period], set: { limitUsd: limit.limitUsd, updatedAt: new Date() } });
  }
}

/**
 * Applies the configuration's budgets at start-up. A value the configuration changed (or newly
 * sets) wins over an edit made through the API; an unchanged one leaves the edit alone. A budget
 * the configuration no longer sets is removed, unless it was edited through the API since.
 */
export async function applyConfiguredBudgets(db: Database, configured: readonly BudgetLimit[]): Promise<void> {
  for (const limit of configured) {
    await db
      .insert(budgetLimit)
      .values({ scope: limit.scope, period: limit.period, limitUsd: limit.limitUsd, configUsd: limit.limitUsd, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: [budgetLimit.scope, budgetLimit.period],
        set: { limitUsd: limit.limitUsd, configUsd: limit.limitUsd, updatedAt: new Date() },
        setWhere: sql`${budgetLimit.configUsd} is distinct from ${limit.limitUsd}`,
      });
  }
  const kept = configured.map((limit) => `${limit.scope}/${limit.period}`);
  const notConfigured = kept.length > 0 ? notInArray(sql`${budgetLimit.scope} || '/' || ${budgetLimit.period}`, kept) : undefined;
  const dropped = and(isNotNull(budgetLimit.configUsd), notConfigured);
  await db.delete(budgetLimit).where(and(dropped, sql`${budgetLimit.limitUsd} is not distinct from ${budgetLimit.configUsd}`));
  await db.update(budgetLimit).set({ configUsd: null }).where(dropped);
}
