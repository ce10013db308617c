/** @jsxImportSource hono/jsx */
import { formatDateTime, formatPercent, formatUsd } from "./format";

/**
 * The limits as a form: per scope a row, per period a text field (empty: no limit) with what the
 * budget's current period has spent and when it resets. A field the server refused shows the
 * value as typed and the reason beside it (aria-invalid, aria-describedby). Posts to
 * /dashboard/budgets; htmx swaps the answer in, without JavaScript the browser follows a redirect.
 */
export interface BudgetCellView {
  field: string;
  /** What the field shows: the stored limit, or what was typed when it was refused. */
  value: string;
  error?: string;
  usage?: { limitUsd: number; spentUsd: number; reservedUsd: number; resetsAt: Date; source: "config" | "api" };
}

export interface BudgetRowView {
  scope: string;
  daily: BudgetCellView;
  monthly: BudgetCellView;
}

export interface BudgetFormProps {
  rows: BudgetRowView[];
  timeZone: string;
  action: "downgrade" | "block";
  notice?: string;
  formError?: string;
}

const fieldId = (field: string) => `limit-${field.replace(/[^a-z0-9-]/gi, "-")}`;

export function BudgetLimitForm(props: BudgetFormProps) {
  const invalid = props.rows.some((row) => row.daily.error || row.monthly.error) || props.formError;
  return (
    <form id="budget-form" class="budget-form" method="post" action="/dashboard/budgets" hx-post="/dashboard/budgets" hx-target="#budgets-content" hx-swap="outerHTML" novalidate>
      <p class="muted">
        Limits in US dollars; leave a field empty for no limit. Days start at midnight and months on the 1st in {props.timeZone}. Over a limit,
        requests are {props.action === "block" ? "refused (429)" : "downgraded to cheaper models that fit, or refused when none does"}.
      </p>
      <div class="table-scroll">
        <table id="budget-limits">
          <thead>
            <tr>
              <th scope="col">Scope</th>
              <th scope="col">Daily limit</th>
              <th scope="col">Monthly limit</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr data-scope={row.scope}>
                <th scope="row">{row.scope === "global" ? "All providers" : row.scope}</th>
                <td>
                  <LimitField cell={row.daily} label={`${row.scope} daily limit in USD`} />
                </td>
                <td>
                  <LimitField cell={row.monthly} label={`${row.scope} monthly limit in USD`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="form-actions">
        <button type="submit">Save limits</button>
        <p id="budget-form-status" class={invalid ? "error-text" : "ok-text"} role="status" aria-live="polite">
          {props.formError ?? (invalid ? "Nothing was saved: fix the fields marked in red." : (props.notice ?? ""))}
        </p>
      </div>
    </form>
  );
}

function LimitField(props: { cell: BudgetCellView; label: string }) {
  const { cell } = props;
  const id = fieldId(cell.field);
  const usage = cell.usage;
  return (
    <div class={`limit-field${cell.error ? " limit-invalid" : ""}`}>
      <label for={id} class="visually-hidden">
        {props.label}
      </label>
      <input
        id={id}
        name={cell.field}
        type="text"
        inputmode="decimal"
        autocomplete="off"
        value={cell.value}
        placeholder="no limit"
        aria-invalid={cell.error ? "true" : undefined}
        aria-describedby={cell.error ? `${id}-error` : usage ? `${id}-usage` : undefined}
      />
      {cell.error ? (
        <span class="field-error error-text" id={`${id}-error`}>
          {cell.error}
        </span>
      ) : null}
      {usage ? (
        <span class="field-usage muted" id={`${id}-usage`}>
          {formatUsd(usage.spentUsd)} spent ({formatPercent(usage.spentUsd, usage.limitUsd)})
          {usage.reservedUsd > 0 ? `, ${formatUsd(usage.reservedUsd)} held` : ""} · resets {formatDateTime(usage.resetsAt).slice(0, 16)}
          {usage.source === "config" ? " · from the configuration" : ""}
        </span>
      ) : null}
    </div>
  );
}
