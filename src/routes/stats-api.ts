import { Hono } from "hono";
import { listRequests } from "../db/request-list-queries";
import { parseRange } from "../db/stats-window";
import type { DashboardDeps } from "./dashboard/deps";
import { loadOverview } from "./dashboard/overview-data";
import { parseRequestQuery } from "./dashboard/request-filter-query";

/**
 * The dashboard's numbers as JSON, for scripts: GET /api/stats?range=24h|7d|30d (the overview) and
 * GET /api/requests (the request log with the dashboard's filters, a page at a time).
 * Features that are not enabled (response cache, compression, budgets) are null.
 */
const DEFAULT_LIMIT = 50;

export function statsApiRoutes(deps: DashboardDeps): Hono {
  const routes = new Hono();

  routes.get("/stats", async (c) => {
    const overview = await loadOverview(deps, parseRange(c.req.query("range")));
    return c.json({
      range: overview.range,
      generatedAt: overview.generatedAt.toISOString(),
      stepMs: overview.stepMs,
      buckets: overview.buckets.map((bucket) => bucket.toISOString()),
      baselineModel: overview.baselineModel,
      ...overview.stats,
      cache: null,
      compression: null,
      budgets: null,
    });
  });

  routes.get("/requests", async (c) => {
    const parsed = parseRequestQuery(c.req.query());
    if (!parsed.ok) return c.json({ error: { message: `Bad query: ${parsed.problems.join("; ")}`, type: "invalid_request_error" } }, 400);
    const page = await listRequests(deps.db, parsed.query.filter, { limit: parsed.query.limit ?? DEFAULT_LIMIT, before: parsed.query.before });
    return c.json({
      data: page.rows.map((row) => ({ ...row, savedUsd: row.baselineCostUsd === null ? null : row.baselineCostUsd - row.costUsd })),
      next: page.next ?? null,
    });
  });

  return routes;
}
