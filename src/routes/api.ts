import { Hono } from "hono";
import { z } from "zod";
import { ProxyError } from "../errors";
import { modelKey } from "../catalog/model-key";
import type { PipelineDeps } from "../pipeline/context";
import { resolveThresholds } from "../routing/classifier/thresholds";
import { budgetRoutes } from "./budgets";

const DEFAULT_DAYS = 30;
const daysQuery = z.coerce.number().int().min(1).max(3650).default(DEFAULT_DAYS);

/**
 * JSON API for humans and the dashboard: routing state (circuit breakers, success rates per
 * category and model) and, over the last `?days=` (default 30), how often each tier served and how
 * often its answers were rated bad; the response cache's and compression's counters, and the
 * budgets (budgets.ts).
 */
export function apiRoutes(deps: PipelineDeps): Hono {
  const routes = new Hono();
  routes.get("/routing", async (c) => {
    const days = daysQuery.safeParse(c.req.query("days") ?? undefined);
    if (!days.success) throw new ProxyError(400, "days must be a whole number from 1 to 3650.", { type: "invalid_request_error", code: "invalid_days" });
    const since = new Date(Date.now() - days.data * 86_400_000);
    const tiers = await deps.feedback.tierOutcomes(since);
    return c.json({
      baseline: deps.routing.baseline ? modelKey(deps.routing.baseline.provider, deps.routing.baseline.model) : null,
      // The bounds in force, overrides applied (the configuration holds only the overrides).
      thresholds: resolveThresholds(deps.routing.thresholds),
      // A breaker's last error is upstream text; redacted where it was recorded, and again here. Model
      // keys too: a client may have sent a key as a `provider:model` name.
      breakers: deps.routing.breakers.snapshot().map((breaker) => ({ ...breaker, key: deps.redactor.redact(breaker.key), lastError: breaker.lastError && deps.redactor.redact(breaker.lastError) })),
      successRates: deps.routing.successRates.snapshot().map((sample) => ({ ...sample, modelKey: deps.redactor.redact(sample.modelKey), rate: sample.total > 0 ? sample.successes / sample.total : null })),
      tiers: { days: days.data, byTier: tiers.map((tier) => ({ ...tier, badRate: tier.rated > 0 ? tier.ratedBad / tier.rated : null })) },
    });
  });
  routes.get("/cache", (c) => {
    const cache = deps.cache;
    if (!cache) return c.json({ enabled: false });
    return c.json({ enabled: true, ...cache.service.settings, maxTemperature: cache.maxTemperature, ...cache.service.stats() });
  });
  routes.get("/compression", (c) => c.json({ mode: deps.compression.mode, ...deps.compression.counters }));
  routes.route("/budgets", budgetRoutes(deps));
  return routes;
}
