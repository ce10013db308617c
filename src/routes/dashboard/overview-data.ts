import { GLOBAL_SCOPE } from "../../budget/budget-types";
import { loadOverviewStats } from "../../db/dashboard/overview-queries";
import { type Range, statsWindow } from "../../db/stats-window";
import type { BudgetUsage, OverviewProps } from "../../../views/partials/overview-content";
import type { DashboardDeps } from "./deps";
import { inputPriceOf } from "./input-price";

/** The overview's props for a range: the same object the page renders and /api/stats returns. */
export async function loadOverview(deps: DashboardDeps, range: Range, now: Date = new Date()): Promise<OverviewProps> {
  const window = statsWindow(range, now);
  const stats = await loadOverviewStats(deps.db, window, inputPriceOf(deps.pipeline));
  return {
    range,
    buckets: window.buckets,
    stepMs: window.stepMs,
    generatedAt: now,
    stats,
    baselineModel: baselineName(deps),
    cacheEnabled: deps.pipeline.cache !== undefined,
    compressionEnabled: deps.pipeline.compression.mode !== "off",
    budgets: await loadGlobalBudgets(deps),
  };
}

/** The global daily and monthly budgets in their current periods (BUDGET_TIME_ZONE), where set. */
async function loadGlobalBudgets(deps: DashboardDeps): Promise<{ daily?: BudgetUsage; monthly?: BudgetUsage }> {
  const rows = await deps.pipeline.budgets.usage();
  const pick = (period: "daily" | "monthly"): BudgetUsage | undefined => {
    const row = rows.find((entry) => entry.scope === GLOBAL_SCOPE && entry.period === period && entry.limitUsd !== null);
    return row ? { limitUsd: row.limitUsd!, spentUsd: row.spentUsd, resetsAt: row.resetsAt } : undefined;
  };
  return { daily: pick("daily"), monthly: pick("monthly") };
}

export function baselineName(deps: DashboardDeps): string | null {
  const baseline = deps.pipeline.routing.baseline;
  return baseline ? `${baseline.provider}:${baseline.model}` : null;
}
