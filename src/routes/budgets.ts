import { Hono } from "hono";
import { validationError } from "../chat/format-validation-error";
import { ProxyError, invalidRequest } from "../errors";
import { openaiErrorResponse } from "../doors/openai/openai-error";
import type { PipelineDeps } from "../pipeline/context";
import { budgetEditsSchema, budgetScopes } from "./budget-edits";
import { refuseCrossSite } from "./dashboard/same-origin";
import { UNPRICED_NOTE } from "../budget/unpriced-models";
import { usdFigure } from "./usd-figure";

/**
 * GET /api/budgets: every budget in its current period (limit, spent, held by requests in flight
 * and by busy instances' leases (src/budget/budget-lease.ts), remaining, when it resets, whether
 * its value is the configuration's), with the action and time zone, and `unpriced`: requests of
 * models without a price that a budget covered but could not count (on this instance). PUT /api/budgets
 * {"budgets": [{"scope": "global", "period": "daily", "limit_usd": 5}]} sets the listed budgets
 * (a null limit removes one) and answers like GET; budgets not listed stay as they are. A bad
 * body is a 400 naming the field; a browser's cross-site PUT is refused (a 403), whatever CORS
 * may one day allow.
 */
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
          spent_usd: usdFigure(row.spentUsd),
          reserved_usd: usdFigure(row.reservedUsd),
          remaining_usd: usdFigure(Math.max(0, row.limitUsd! - row.spentUsd - row.reservedUsd)),
          period_start: row.periodStart.toISOString(),
          resets_at: row.resetsAt.toISOString(),
          source: row.configUsd !== null && row.configUsd === row.limitUsd ? "config" : "api",
        })),
      unpriced: unpricedReport(deps),
    };
  };

  routes.get("/", async (c) => c.json(await describe()));

  routes.put("/", refuseCrossSite((message) => openaiErrorResponse(new ProxyError(403, message, { type: "permission_error", code: "cross_site_request" }))), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return openaiErrorResponse(invalidRequest("The request body must be JSON: {\"budgets\": [{\"scope\": \"global\", \"period\": \"daily\", \"limit_usd\": 5}]}.", null, "invalid_json"));
    }
    const parsed = budgetEditsSchema(budgetScopes(deps)).safeParse(body);
    if (!parsed.success) return openaiErrorResponse(validationError(parsed.error));
    await deps.budgets.setLimits(parsed.data.budgets.map((edit) => ({ scope: edit.scope, period: edit.period, limitUsd: edit.limit_usd })));
    return c.json(await describe());
  });

  return routes;
}

/** Requests of models without a price that budgets covered but could not count, on this instance since it started. */
function unpricedReport(deps: PipelineDeps) {
  const { models, otherRequests } = deps.budgets.unpriced.list();
  return { note: UNPRICED_NOTE, since: "this instance's start", models: models.map(({ model, requests }) => ({ model, requests })), other_requests: otherRequests };
}
