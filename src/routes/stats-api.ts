import { Hono } from "hono";
import { listRequests } from "../db/dashboard/requests-queries";
import { RANGES, isRange, parseRange } from "../db/stats-window";
import type { DashboardDeps } from "./dashboard/deps";
import { loadOverview } from "./dashboard/overview-data";
import { inputPriceOf } from "./dashboard/input-price";
import { parseRequestQuery } from "./dashboard/request-filter-query";
import { withSaving } from "./dashboard/request-saving";
import type { BudgetUsage } from "../../views/partials/overview-content";
import { usdFigure } from "./usd-figure";

/**
 * The dashboard's numbers as JSON, for scripts: GET /api/stats?range=24h|7d|30d (the overview) and
 * GET /api/requests (the request log with the dashboard's filters, a page at a time).
 * /api/stats adds the savings split by source, the response cache's hit rate, compression's
 * tokens, and the global budgets (null where no limit is set).
 */
const DEFAULT_LIMIT = 50;

export function statsApiRoutes(deps: DashboardDeps): Hono {
  const routes = new Hono();

  routes.get("/stats", async (c) => {
    // Empty means the default, as a plain GET form sends it; anything else must be a range.
    const range = c.req.query("range");
    if (range && !isRange(range)) {
      return c.json({ error: { message: `Bad query: range: must be one of ${RANGES.join(", ")}`, type: "invalid_request_error", param: "range", code: "invalid_query" } }, 400);
    }
    const overview = await loadOverview(deps, parseRange(range));
    const { totals } = overview.stats;
    const budget = (usage: BudgetUsage | undefined) => (usage ? { limitUsd: usage.limitUsd, spentUsd: usdFigure(usage.spentUsd), resetsAt: usage.resetsAt.toISOString() } : null);
    return c.json({
      range: overview.range,
      generatedAt: overview.generatedAt.toISOString(),
      stepMs: overview.stepMs,
      buckets: overview.buckets.map((bucket) => bucket.toISOString()),
      baselineModel: overview.baselineModel,
      ...overview.stats,
      savings: {
        routingUsd: totals.routingSavedUsd,
        subscriptionUsd: totals.subscriptionUsd,
        cacheUsd: totals.cacheSavedUsd,
        compressionUsd: totals.compressionSavedUsd,
        totalUsd: totals.savedUsd,
        withoutProxyUsd: totals.withoutProxyUsd,
        fraction: totals.withoutProxyUsd > 0 ? totals.savedUsd / totals.withoutProxyUsd : null,
      },
      cache: { enabled: overview.cacheEnabled, hits: totals.cacheHits, misses: totals.cacheMisses, hitRate: totals.cacheHitRate, savedUsd: totals.cacheSavedUsd },
      compression: {
        enabled: overview.compressionEnabled,
        tokensBefore: totals.compressionTokensBefore,
        tokensAfter: totals.compressionTokensAfter,
        tokensSaved: totals.compressionTokensBefore - totals.compressionTokensAfter,
        savedUsd: totals.compressionSavedUsd,
      },
      budgets: { daily: budget(overview.budgets.daily), monthly: budget(overview.budgets.monthly) },
    });
  });

  routes.get("/requests", async (c) => {
    const parsed = parseRequestQuery(c.req.query());
    if (!parsed.ok) return c.json({ error: { message: `Bad query: ${parsed.problems.join("; ")}`, type: "invalid_request_error", param: parsed.param, code: "invalid_query" } }, 400);
    const page = await listRequests(deps.db, parsed.query.filter, { limit: parsed.query.limit ?? DEFAULT_LIMIT, before: parsed.query.before });
    return c.json({
      data: withSaving(page.rows, inputPriceOf(deps.pipeline)),
      next: page.next ?? null,
    });
  });

  return routes;
}
