import { Hono } from "hono";
import { modelKey } from "../catalog/model-key";
import type { PipelineDeps } from "../pipeline/context";
import { budgetRoutes } from "./budgets";

/**
 * JSON API for humans and the dashboard: routing state (circuit breakers, success rates), the
 * response cache's and compression's counters, and the budgets (budgets.ts).
 */
export function apiRoutes(deps: PipelineDeps): Hono {
  const routes = new Hono();
  routes.get("/routing", (c) =>
    c.json({
      baseline: deps.routing.baseline ? modelKey(deps.routing.baseline.provider, deps.routing.baseline.model) : null,
      thresholds: deps.routing.thresholds,
      breakers: deps.routing.breakers.snapshot(),
      successRates: deps.routing.successRates.snapshot().map((sample) => ({ ...sample, rate: sample.total > 0 ? sample.successes / sample.total : null })),
    }),
  );
  routes.get("/cache", (c) => {
    const cache = deps.cache;
    if (!cache) return c.json({ enabled: false });
    return c.json({ enabled: true, ...cache.service.settings, maxTemperature: cache.maxTemperature, ...cache.service.stats() });
  });
  routes.get("/compression", (c) => c.json({ mode: deps.compression.mode, ...deps.compression.counters }));
  routes.route("/budgets", budgetRoutes(deps));
  return routes;
}
