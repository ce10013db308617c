import type { Config } from "../config";
import { type BudgetLimit, GLOBAL_SCOPE } from "./budget-types";

/** The budgets the configuration sets: BUDGET_DAILY_USD, BUDGET_MONTHLY_USD and BUDGET_PROVIDERS. */
export function budgetLimitsFromConfig(budget: Config["budget"]): BudgetLimit[] {
  const limits: BudgetLimit[] = [];
  if (budget.dailyUsd !== undefined) limits.push({ scope: GLOBAL_SCOPE, period: "daily", limitUsd: budget.dailyUsd });
  if (budget.monthlyUsd !== undefined) limits.push({ scope: GLOBAL_SCOPE, period: "monthly", limitUsd: budget.monthlyUsd });
  for (const [provider, periods] of Object.entries(budget.providers)) {
    if (periods.daily !== undefined) limits.push({ scope: provider, period: "daily", limitUsd: periods.daily });
    if (periods.monthly !== undefined) limits.push({ scope: provider, period: "monthly", limitUsd: periods.monthly });
  }
  return limits;
}
