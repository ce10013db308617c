import { z } from "zod";
import { BUDGET_PERIODS, GLOBAL_SCOPE } from "../budget/budget-types";
import type { PipelineDeps } from "../pipeline/context";
import { providerRegistry } from "../providers/registry";

/**
 * The one validation of budget edits, used by PUT /api/budgets and the dashboard's budget form:
 * {"budgets": [{"scope": "global", "period": "daily", "limit_usd": 5}]}, a null limit removing a
 * budget. Messages name no field, so they read beside a form field as well as after an API path.
 */
export const MAX_LIMIT_USD = 1_000_000_000;

const budgetEdit = z.strictObject({
  scope: z.string().min(1, "scope is \"global\" or a provider id"),
  period: z.enum(BUDGET_PERIODS),
  limit_usd: z
    .number({ error: "must be a number of US dollars" })
    .finite("must be a number of US dollars")
    .min(0, "must not be negative")
    .max(MAX_LIMIT_USD, "must be at most 1,000,000,000")
    .nullable(),
});

export type BudgetEdit = z.infer<typeof budgetEdit>;

export function budgetEditsSchema(scopes: ReadonlySet<string>) {
  return z.strictObject({
    budgets: z
      .array(budgetEdit)
      .min(1, "budgets must list at least one budget")
      .superRefine((edits, context) => {
        // A budget listed twice would be set to whichever came last, in silence.
        const seen = new Map<string, number>();
        for (const [index, edit] of edits.entries()) {
          if (!scopes.has(edit.scope)) {
            context.addIssue({ code: "custom", path: [index, "scope"], message: `unknown scope '${edit.scope}'; use "global" or one of: ${[...scopes].filter((scope) => scope !== GLOBAL_SCOPE).join(", ")}` });
          }
          const budget = `${edit.scope} ${edit.period}`;
          const first = seen.get(budget);
          if (first === undefined) seen.set(budget, index);
          else context.addIssue({ code: "custom", path: [index], message: `the ${budget} budget is listed twice (also budgets[${first}]); list each scope and period once` });
        }
      }),
  });
}

/** The scopes a budget may have: global, every provider the proxy knows, and the active custom ones. */
export function budgetScopes(deps: Pick<PipelineDeps, "directory">): Set<string> {
  return new Set([GLOBAL_SCOPE, ...providerRegistry.map((entry) => entry.id), ...deps.directory.activeProviders().map((provider) => provider.id)]);
}
