import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { numberOf, rowsOf } from "../rows-of";
import { requestRollup } from "../schema";
import type { StatsWindow } from "../stats-window";
import { iso, rollupBetween } from "./rollup-helpers";

/**
 * Spend for the budgets page and the overview's cards, from the hourly rollup. What a subscription
 * paid for costs 0 in the log (its list-price value is `subscription_value_usd`), so spend is
 * simply the sum of cost.
 */
type SpendWindow = Pick<StatsWindow, "startOfToday" | "startOfMonth" | "until">;

/** Spend of the current day and month (local time), whatever range the page shows. */
export async function loadSpend(db: Database, window: SpendWindow) {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select sum(${requestRollup.costUsd}) filter (where ${requestRollup.hour} >= ${iso(window.startOfToday)}::timestamptz) as today,
        sum(${requestRollup.costUsd}) as month
      from ${requestRollup}
      where ${rollupBetween(window.startOfMonth, window.until)}`),
  );
  return { spendTodayUsd: numberOf(rows[0]?.today), spendMonthUsd: numberOf(rows[0]?.month) };
}

export interface ProviderSpend {
  provider: string;
  todayUsd: number;
  monthUsd: number;
  /** What a subscription paid for, at API list prices (not spent). */
  coveredTodayUsd: number;
  coveredMonthUsd: number;
}

/** Cost and subscription-covered value per provider, today and this month. */
export async function loadSpendByProvider(db: Database, window: SpendWindow): Promise<ProviderSpend[]> {
  const today = sql`(where ${requestRollup.hour} >= ${iso(window.startOfToday)}::timestamptz)`;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${requestRollup.provider} as provider,
        sum(${requestRollup.costUsd}) filter ${today} as today, sum(${requestRollup.costUsd}) as month,
        sum(${requestRollup.subscriptionValueUsd}) filter ${today} as covered_today, sum(${requestRollup.subscriptionValueUsd}) as covered_month
      from ${requestRollup}
      where ${rollupBetween(window.startOfMonth, window.until)} and ${requestRollup.provider} <> ''
      group by 1 order by 3 desc, 5 desc`),
  );
  return rows
    .map((row) => ({
      provider: String(row.provider),
      todayUsd: numberOf(row.today),
      monthUsd: numberOf(row.month),
      coveredTodayUsd: numberOf(row.covered_today),
      coveredMonthUsd: numberOf(row.covered_month),
    }))
    .filter((row) => row.monthUsd > 0 || row.coveredMonthUsd > 0);
}
