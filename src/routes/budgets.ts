import { Hono } from "hono";
import { z } from "zod";
import { BUDGET_PERIODS, GLOBAL_SCOPE } from "../budget/budget-types";
import { validationError } from "../chat/format-validation-error";
import { invalidRequest } from "../errors";
import { openaiErrorResponse } from "../doors/openai/openai-error";
import type { PipelineDeps } from "../pipeline/context";
import { providerRegistry } from "../providers/registry";

/**
 * GET /api/budgets: every budget in its current period (limit, spent, held by requests in flight,
 * remaining, when it resets, whether its value is the configuration's), with the action and time
 * zone. PUT /api/budgets {"budgets": [{"scope": "global", "period": "daily", "limit_usd": 5}]}
 * sets the listed budgets (a null limit removes one) and answers like GET; budgets not listed
 * stay as they are. A bad body is a 400 naming the field.
 */
const budgetEdit = z.strictObject({
  scope: z.string().min(1, "scope is \"global\" or a provider id"),
  period: z.enum(BUDGET_PERIODS),
  limit_usd: z.number().finite().min(0).max(1_000_000_000).nullable(),
});

function putBody(scopes: ReadonlySet<string>) {
  return z.strictObject({
    budgets: z
      .array(budgetEdit)
      .min(1, "budgets must list at least one budget")
      .superRefine((edits, context) => {
        for (const [index, edit] of edits.entries()) {
          if (!scopes.has(edit.scope)) {
            context.addIssue({ code: "custom", path: [index, "scope"], message: `unknown scope '${edit.scope}'; use "global" or one of: ${[...scopes].filter((scope) => scope !== GLOBAL_SCOPE).join(", ")}` });
          }
        }
      }),
  });
}

export function budgetRoutes(deps: PipelineDeps): Hono {
  const routes = new Hono();
  const describe = async () => {
    const rows = await deps.budgets.usage();
    return {
      action: deps.budgets.settings.action,
      time_zone: deps.budgets.settings.timeZone,
      budgets: rows
        .filter((row) => row.limitUsd !== null)
        .map((row) => ({
          scope: row.scope,
          period: row.period,
          limit_usd: row.limitUsd,
          spent_usd: row.spentUsd,
          reserved_usd: row.reservedUsd,
          remaining_usd: Math.max(0, row.limitUsd! - row.spentUsd - row.reservedUsd),
          period_start: row.periodStart.toISOString(),
          resets_at: row.resetsAt.toISOString(),
          source: row.configUsd !== null && row.configUsd === row.limitUsd ? "config" : "api",
        })),
    };
  };

  routes.get("/", async (c) => c.json(await describe()));

  routes.put("/", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return openaiErrorResponse(invalidRequest("The request body must be JSON: {\"budgets\": [{\"scope\": \"global\", \"period\": \"daily\", \"limit_usd\": 5}]}.", null, "invalid_json"));
    }
    const scopes = new Set([GLOBAL_SCOPE, ...providerRegistry.map((entry) => entry.id), ...deps.directory.activeProviders().map((provider) => provider.id)]);
    const parsed = putBody(scopes).safeParse(body);
    if (!parsed.success) return openaiErrorResponse(validationError(parsed.error));
    await deps.budgets.setLimits(parsed.data.budgets.map((edit) => ({ scope: edit.scope, period: edit.period, limitUsd: edit.limit_usd })));
    return c.json(await describe());
  });

  return routes;
}
