import type { BudgetPeriod } from "../../budget/budget-types";
import { BUDGET_PERIODS } from "../../budget/budget-types";
import { type BudgetEdit, budgetEditsSchema } from "../budget-edits";

/**
 * The dashboard's budget form: one text field per budget, named "<period>:<scope>" (a period
 * never holds a colon), empty for no limit. Only fields whose value differs from the stored limit
 * become edits, and the edits go through the same schema as PUT /api/budgets; its problems come
 * back keyed by field, to be shown beside it.
 */
export interface CurrentLimit {
  scope: string;
  period: BudgetPeriod;
  limitUsd: number | null;
}

export type FormResult =
  | { ok: true; edits: Array<{ scope: string; period: BudgetPeriod; limitUsd: number | null }> }
  | { ok: false; errors: Record<string, string> };

export const fieldName = (period: BudgetPeriod, scope: string) => `${period}:${scope}`;

/** "5", " 12.50 ", "$3", "1e3" → a number; "" → null; anything else stays text for the schema to refuse. */
function readLimit(text: string): number | string | null {
  const trimmed = text.trim().replace(/^\$\s*/, "");
  if (trimmed === "") return null;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : text;
}

export function readBudgetForm(body: Record<string, unknown>, current: readonly CurrentLimit[], scopes: ReadonlySet<string>): FormResult {
  const edits: Array<{ field: string; edit: { scope: string; period: string; limit_usd: unknown } }> = [];
  for (const [field, value] of Object.entries(body)) {
    const separator = field.indexOf(":");
    const period = field.slice(0, separator);
    if (separator < 0 || !(BUDGET_PERIODS as readonly string[]).includes(period) || typeof value !== "string") continue;
    const scope = field.slice(separator + 1);
    const limit = readLimit(value);
    const stored = current.find((entry) => entry.scope === scope && entry.period === period)?.limitUsd ?? null;
    if (limit === stored) continue;
    edits.push({ field, edit: { scope, period, limit_usd: limit } });
  }
  if (edits.length === 0) return { ok: true, edits: [] };
  const parsed = budgetEditsSchema(scopes).safeParse({ budgets: edits.map((entry) => entry.edit) });
  if (parsed.success) return { ok: true, edits: parsed.data.budgets.map(toLimit) };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const index = issue.path[1];
    const field = typeof index === "number" ? edits[index]?.field : undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  // A problem not tied to one field (none expected: the form builds the structure) still stops the save.
  if (Object.keys(errors).length === 0) errors.form = parsed.error.issues[0]?.message ?? "invalid budgets";
  return { ok: false, errors };
}

const toLimit = (edit: BudgetEdit) => ({ scope: edit.scope, period: edit.period, limitUsd: edit.limit_usd });
