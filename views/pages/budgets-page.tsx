/** @jsxImportSource hono/jsx */
import { formatDateTime, formatPercent, formatUsd } from "../components/format";
import { type AssetUrls, Layout } from "../layout";
import type { BudgetUsage } from "../partials/overview-content";

/**
 * Spend against the daily and monthly limits, with when each resets. A period without a limit
 * says so; the limits come in as props from whatever stores them.
 */
export interface BudgetPeriodView {
  period: "daily" | "monthly";
  spentUsd: number;
  resetsAt: Date;
  usage?: BudgetUsage;
}

export interface ProviderSpend {
  provider: string;
  todayUsd: number;
  monthUsd: number;
  /** Served by a subscription: priced at API rates, not paid. */
  subscription: boolean;
}

export function BudgetsPage(props: { assets: AssetUrls; periods: BudgetPeriodView[]; byProvider: ProviderSpend[] }) {
  return (
    <Layout title="Budgets" section="budgets" assets={props.assets}>
      <h1>Budgets</h1>
      <p class="muted">Spend counts what was paid at API prices; requests served by a subscription (the Claude CLI) do not count against a budget.</p>
      <div class="cards">
        {props.periods.map((period) => (
          <section class="card" id={`budget-${period.period}`} aria-labelledby={`budget-title-${period.period}`}>
            <h2 class="card-label" id={`budget-title-${period.period}`}>
              {period.period === "daily" ? "Today" : "This month"}
            </h2>
            <p class="card-value">{formatUsd(period.spentUsd)}</p>
            <div class="card-detail">
              {period.usage ? (
                <>
                  <meter min={0} max={period.usage.limitUsd} low={period.usage.limitUsd * 0.8} high={period.usage.limitUsd * 0.95} optimum={0} value={Math.min(period.spentUsd, period.usage.limitUsd)} />
                  <p>
                    {formatPercent(period.spentUsd, period.usage.limitUsd)} of the {formatUsd(period.usage.limitUsd)} {period.period} limit
                  </p>
                </>
              ) : (
                <p>
                  <strong>Limit: not configured.</strong> Requests are not held back by spend.
                </p>
              )}
              <p class="muted">Resets {formatDateTime(period.resetsAt).slice(0, 16)}</p>
            </div>
          </section>
        ))}
      </div>
      <section class="panel" aria-labelledby="spend-by-provider">
        <h2 id="spend-by-provider">Spend by provider</h2>
        {props.byProvider.length === 0 ? (
          <p class="muted">Nothing spent this month.</p>
        ) : (
          <div class="table-scroll">
            <table id="provider-spend">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col" class="number">
                    Today
                  </th>
                  <th scope="col" class="number">
                    This month
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.byProvider.map((row) => (
                  <tr>
                    <th scope="row">
                      {row.provider}
                      {row.subscription ? <span class="muted"> · subscription, API-price equivalent</span> : null}
                    </th>
                    <td class={`number${row.subscription ? " muted" : ""}`}>{formatUsd(row.todayUsd)}</td>
                    <td class={`number${row.subscription ? " muted" : ""}`}>{formatUsd(row.monthUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}
