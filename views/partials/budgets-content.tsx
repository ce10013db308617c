/** @jsxImportSource hono/jsx */
import type { ProviderSpend } from "../../src/db/dashboard/budgets-queries";
import { BudgetLimitForm, type BudgetFormProps } from "../components/budget-limit-form";
import { formatDateTime, formatPercent, formatUsd } from "../components/format";
import { UnpricedRequests, type UnpricedRequestsProps } from "../components/unpriced-requests";

/**
 * The budgets page below its heading: spend today and this month against the global limits, the
 * limits form, and spend per provider. The form's answer to htmx is this whole fragment, so the
 * cards follow a changed limit.
 */
export interface BudgetPeriodView {
  period: "daily" | "monthly";
  spentUsd: number;
  resetsAt: Date;
  limitUsd?: number;
}

export interface BudgetsContentProps {
  periods: BudgetPeriodView[];
  byProvider: ProviderSpend[];
  form: BudgetFormProps;
  /** Requests of models without a price that budgets could not count. */
  unpriced?: UnpricedRequestsProps;
}

export function BudgetsContent(props: BudgetsContentProps) {
  return (
    <div id="budgets-content" class="stack">
      <div class="cards">
        {props.periods.map((period) => (
          <section class="card" id={`budget-${period.period}`} aria-labelledby={`budget-title-${period.period}`}>
            <h2 class="card-label" id={`budget-title-${period.period}`}>
              {period.period === "daily" ? "Today" : "This month"}
            </h2>
            <p class="card-value">{formatUsd(period.spentUsd)}</p>
            <div class="card-detail">
              {period.limitUsd !== undefined ? (
                <>
                  <meter min={0} max={period.limitUsd} low={period.limitUsd * 0.8} high={period.limitUsd * 0.95} optimum={0} value={Math.min(period.spentUsd, period.limitUsd)} />
                  <p>
                    {formatPercent(period.spentUsd, period.limitUsd)} of the {formatUsd(period.limitUsd)} {period.period} limit
                  </p>
                </>
              ) : (
                <p>
                  <strong>No {period.period} limit.</strong> Requests are not held back by spend.
                </p>
              )}
              <p class="muted">Resets {formatDateTime(period.resetsAt).slice(0, 16)}</p>
            </div>
          </section>
        ))}
      </div>
      {props.unpriced ? <UnpricedRequests {...props.unpriced} /> : null}
      <section class="panel" aria-labelledby="budget-limits-title">
        <h2 id="budget-limits-title">Limits</h2>
        <BudgetLimitForm {...props.form} />
      </section>
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
                    <th scope="row">{row.provider}</th>
                    <td class="number">
                      {formatUsd(row.todayUsd)}
                      {row.coveredTodayUsd > 0 ? <span class="muted"> + {formatUsd(row.coveredTodayUsd)} covered</span> : null}
                    </td>
                    <td class="number">
                      {formatUsd(row.monthUsd)}
                      {row.coveredMonthUsd > 0 ? <span class="muted"> + {formatUsd(row.coveredMonthUsd)} covered</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {props.byProvider.some((row) => row.coveredTodayUsd > 0 || row.coveredMonthUsd > 0) ? (
          <p class="muted">"Covered" is what a subscription (the Claude CLI under your login) paid for, at API list prices; it does not count against a budget.</p>
        ) : null}
      </section>
    </div>
  );
}
