import { Hono } from "hono";
import { modelKey } from "../catalog/model-key";
import type { PipelineDeps } from "../pipeline/context";

/** JSON API for humans and the dashboard: routing state (circuit breakers, success rates). */
export function apiRoutes(deps: PipelineDeps): Hono {
  const routes = new Hono();
  routes.get("/routing", (c) =>
    c.json({
      baseline: deps.routing.baseline ? modelKey(deps.routing.baseline.provider, deps.routing.baseline.model) : null,
      thresholds: deps.routing.thresholds,
      // A breaker's last error is upstream text; redacted where it was recorded, and again here.
      breakers: deps.routing.breakers.snapshot().map((breaker) => ({ ...breaker, lastError: breaker.lastError && deps.redactor.redact(breaker.lastError) })),
      successRates: deps.routing.successRates.snapshot().map((sample) => ({ ...sample, rate: sample.total > 0 ? sample.successes / sample.total : null })),
    }),
  );
  return routes;
}
