/**
 * Spending limits in USD. A budget is a scope ("global", or a provider id such as "openai") and a
 * period; days and months start at midnight and on the 1st in BUDGET_TIME_ZONE.
 */
export const BUDGET_PERIODS = ["daily", "monthly"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export const GLOBAL_SCOPE = "global";

export interface BudgetLimit {
  scope: string;
  period: BudgetPeriod;
  /** Null: no limit (a budget removed through the API). */
  limitUsd: number | null;
}

/** A budget in its current period: its limit, what is spent, what requests in flight hold. */
export interface BudgetUsage {
  scope: string;
  period: BudgetPeriod;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  periodStart: Date;
  resetsAt: Date;
}

export const remainingUsd = (usage: BudgetUsage) => usage.limitUsd - usage.spentUsd - usage.reservedUsd;

export const budgetName = (budget: Pick<BudgetUsage, "scope" | "period">) =>
  budget.scope === GLOBAL_SCOPE ? `global ${budget.period} budget` : `${budget.period} budget of ${budget.scope}`;

/** What the response headers say about the budgets a request was checked against. */
export interface BudgetReport {
  /** Each budget's remaining USD once this request's reservation is counted. */
  remaining: Array<{ scope: string; period: BudgetPeriod; usd: number }>;
  /** The request was sent to cheaper models than its route's because the budget could not cover those. */
  downgraded?: boolean;
}
