/**
 * The budget the benchmark's proxy runs with unless BENCH_PROXY_ENV says otherwise: a daily limit
 * far above anything the benchmark spends, so the budget stage reserves (and settles) every
 * request as a proxy with a budget does, without ever refusing one. BENCH_PROXY_ENV='{"BUDGET_DAILY_USD":""}'
 * measures the proxy with no budget.
 */
export const BENCH_BUDGET_ENV: Record<string, string> = { BUDGET_DAILY_USD: "100000" };

/** The benchmark's proxy settings: the default budget, then BENCH_PROXY_ENV over it. */
export function benchProxyEnv(): Record<string, string> {
  return { ...BENCH_BUDGET_ENV, ...(JSON.parse(process.env.BENCH_PROXY_ENV ?? "{}") as Record<string, string>) };
}

/** For the printed header: which budget the proxy enforces. */
export function benchBudgetNote(): string {
  const daily = benchProxyEnv().BUDGET_DAILY_USD ?? "";
  return daily.trim() === "" ? "no daily budget (BENCH_PROXY_ENV unset it)" : `daily budget $${daily} (BUDGET_DAILY_USD: every request reserved and settled)`;
}
