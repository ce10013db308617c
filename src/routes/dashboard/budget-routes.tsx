/** @jsxImportSource hono/jsx */
import type { Context, Hono } from "hono";
import { UNPRICED_NOTE } from "../../budget/unpriced-models";
import { BUDGET_PERIODS, type BudgetPeriod, GLOBAL_SCOPE } from "../../budget/budget-types";
import type { BudgetRow } from "../../db/budget-queries";
import { loadSpend, loadSpendByProvider } from "../../db/dashboard/budgets-queries";
import { statsWindow } from "../../db/stats-window";
import type { BudgetRowView } from "../../../views/components/budget-limit-form";
import { BudgetsPage } from "../../../views/pages/budgets-page";
import { BudgetsContent, type BudgetsContentProps } from "../../../views/partials/budgets-content";
import { budgetScopes } from "../budget-edits";
import { fieldName, readBudgetForm } from "./budget-form";
import type { DashboardContext } from "./deps";
import { renderHtml } from "./render";
import { sameOriginOnly } from "./same-origin";

/**
 * GET /dashboard/budgets, and POST /dashboard/budgets: the limits form, validated by the schema of
 * PUT /api/budgets and saved through the budget service. Same-origin posts only. With htmx the
 * answer is the page's content (errors beside the fields, or "saved"); without JavaScript a save
 * redirects to the page (so a reload does not post again) and a refusal is the whole page, a 400.
 */
interface Submitted {
  values: Record<string, string>;
  errors: Record<string, string>;
}

export function addBudgetRoutes(app: Hono, deps: DashboardContext): void {
  const budgets = deps.pipeline.budgets;

  const load = async (submitted?: Submitted, notice?: string): Promise<BudgetsContentProps> => {
    const now = new Date();
    const window = statsWindow("24h", now);
    const spend = await loadSpend(deps.db, window);
    const byProvider = await loadSpendByProvider(deps.db, window);
    const usage = await budgets.usage();
    const global = (period: BudgetPeriod) => usage.find((row) => row.scope === GLOBAL_SCOPE && row.period === period && row.limitUsd !== null);
    const card = (period: BudgetPeriod, localSpend: number, localReset: Date) => {
      const row = global(period);
      return row ? { period, spentUsd: row.spentUsd, resetsAt: row.resetsAt, limitUsd: row.limitUsd! } : { period, spentUsd: localSpend, resetsAt: localReset };
    };
    const formError = submitted?.errors.form;
    return {
      periods: [
        card("daily", spend.spendTodayUsd, new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1)),
        card("monthly", spend.spendMonthUsd, new Date(now.getFullYear(), now.getMonth() + 1, 1)),
      ],
      byProvider,
      form: { rows: formRows(deps, usage, submitted), timeZone: budgets.settings.timeZone, action: budgets.settings.action, notice, formError },
      unpriced: { ...budgets.unpriced.list(), note: UNPRICED_NOTE },
    };
  };

  const render = async (c: Context, props: BudgetsContentProps, status: 200 | 400 = 200) =>
    renderHtml(c, { page: () => <BudgetsPage {...props} assets={deps.assets} />, partial: () => <BudgetsContent {...props} /> }, status);

  app.get("/dashboard/budgets", async (c) => {
    const saved = c.req.query("saved");
    return render(c, await load(undefined, saved === undefined ? undefined : savedNotice(Number(saved))));
  });

  app.post("/dashboard/budgets", sameOriginOnly, async (c) => {
    const body = await c.req.parseBody();
    const current = await budgets.usage();
    const result = readBudgetForm(body, current, budgetScopes(deps.pipeline));
    if (!result.ok) {
      const values = Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
      return render(c, await load({ values, errors: result.errors }), 400);
    }
    if (result.edits.length > 0) await budgets.setLimits(result.edits);
    if (c.req.header("hx-request") !== "true") return c.redirect(`/dashboard/budgets?saved=${result.edits.length}`, 303);
    return render(c, await load(undefined, savedNotice(result.edits.length)));
  });
}

const savedNotice = (count: number) =>
  !Number.isFinite(count) || count <= 0 ? "Nothing changed." : `Saved ${count === 1 ? "1 limit" : `${count} limits`}.`;

/** A row per scope: global, each active provider, and any scope that has a budget. */
function formRows(deps: DashboardContext, usage: readonly BudgetRow[], submitted: Submitted | undefined): BudgetRowView[] {
  const scopes = [GLOBAL_SCOPE, ...deps.pipeline.directory.activeProviders().map((provider) => provider.id), ...usage.map((row) => row.scope)];
  return [...new Set(scopes)].map((scope) => {
    const [daily, monthly] = BUDGET_PERIODS.map((period) => {
      const field = fieldName(period, scope);
      const row = usage.find((entry) => entry.scope === scope && entry.period === period && entry.limitUsd !== null);
      const error = submitted?.errors[field];
      return {
        field,
        value: error !== undefined ? (submitted?.values[field] ?? "") : row ? String(row.limitUsd) : "",
        error,
        usage: row && {
          limitUsd: row.limitUsd!,
          spentUsd: row.spentUsd,
          reservedUsd: row.reservedUsd,
          resetsAt: row.resetsAt,
          source: row.configUsd !== null && row.configUsd === row.limitUsd ? ("config" as const) : ("api" as const),
        },
      };
    });
    return { scope, daily: daily!, monthly: monthly! };
  });
}
