import type { Reservation } from "../../budget/budget-service-types";
import { remainingUsd } from "../../budget/budget-types";
import { type BudgetedRoute, reserveRoute } from "../../budget/reserve-route";
import { spentUsd, worstCaseCostUsd } from "../../budget/worst-case-cost";
import { driverMessage } from "../../db/driver-message";
import { ProxyError } from "../../errors";
import { type Candidate, candidateKey } from "../../routing/candidate";
import { requestNeeds } from "../../routing/request-needs";
import { canServe } from "../../routing/router";
import type { PipelineContext, PipelineDeps, Stage } from "../context";

/**
 * Holds the route to the budgets (src/budget/): reserves the request's worst-case cost in the
 * database before dispatch, atomically across instances, and leaves a finish hook that records
 * what it really spent and releases the reservation, however the request ends. With no budget
 * set it only leaves that hook, so a budget set later starts from its period's true spend.
 * Downgrades and refusals are reserve-route.ts; the response headers report what is left.
 */
export const budget: Stage = async (context, deps) => {
  const route = context.route;
  if (!route) return undefined;
  const budgets = deps.budgets;
  const needs = requestNeeds(context.request);
  let reservation: Reservation | undefined;
  // Registered first, so a refusal below still ends in a (zero) settlement.
  context.onFinish((outcome) => {
    const reachedUpstream = context.attempts.some((attempt) => attempt.error === undefined);
    const costUsd = spentUsd(reachedUpstream ? context.served : undefined, outcome.usage, needs, reachedUpstream);
    budgets.settle({ reservation, provider: context.served?.provider.id, costUsd, at: context.receivedAt });
    if (reachedUpstream && context.served?.entry.unpriced) noteUnpriced(deps, context.served);
  });
  if (!budgets.active) return undefined;

  const charge = (candidate: Candidate) => worstCaseCostUsd(candidate, needs, context.request);
  const planned = await reserveRoute({
    candidates: route.candidates,
    tier: route.tier,
    charge,
    limitedScopes: budgets.limitedScopes(),
    reserve: (amounts) => budgets.reserve(amounts),
    alternatives: () => alternatives(deps, needs),
    action: budgets.settings.action,
    timeZone: budgets.settings.timeZone,
  }).catch((error: unknown) => {
    if (error instanceof ProxyError) {
      if (error.code === "budget_exceeded") budgets.counters.blocked++;
      throw error;
    }
    return unchecked(context, deps, error, charge, needs);
  });
  if (planned.downgraded) budgets.counters.downgraded++;
  reservation = planned.reservation;
  context.budget = { remaining: planned.usage.map((usage) => ({ scope: usage.scope, period: usage.period, usd: Math.max(0, remainingUsd(usage)) })) };
  if (planned.downgraded) context.budget.downgraded = true;
  if (planned.candidates !== route.candidates) {
    // Only a downgrade changes the tier: a route kept as it was (fewer fallbacks at most) keeps its
    // own, which for an unlisted provider:model is none (its entry's tier is a placeholder).
    const tier = planned.downgraded ? (planned.candidates[0]?.entry.tier ?? route.tier) : route.tier;
    // A downgrade is the proxy's choice of model, also of a model the client named: routed, and saving against the baseline.
    const routed = route.routed || planned.downgraded === true;
    context.route = { ...route, candidates: planned.candidates, tier, routed, reason: planned.note ? `${route.reason}; ${planned.note}` : route.reason };
  }
  return undefined;
};

/** A model without a price served a request a budget covers: counted, and the first time a warning says how to price it. */
function noteUnpriced(deps: PipelineDeps, served: Candidate): void {
  if (!deps.budgets.covers(served.provider.id)) return;
  // A client may put anything in a model name, a key too.
  const model = deps.redactor.redact(candidateKey(served));
  if (!deps.budgets.unpriced.record(model)) return;
  deps.logger.warn("a model without a price served a request under a budget: the budgets do not count it (recorded as $0)", {
    model,
    fix: "price it in MODEL_CATALOG_FILE (provider, model, tier, input, output, contextWindow; USD per million tokens)",
  });
}

/** Models that can serve the request now, for a downgrade. */
function alternatives(deps: PipelineDeps, needs: ReturnType<typeof requestNeeds>): Candidate[] {
  const breakers = deps.routing.breakers;
  return deps.directory.all().filter((candidate) => canServe(candidate, needs) && breakers.isAvailable(candidateKey(candidate)));
}

/**
 * The database did not answer the budget check. A limit that cannot be checked is not lifted:
 * with BUDGET_ACTION=downgrade a flat-billed model that can serve still may (it spends nothing);
 * otherwise the request is refused.
 */
function unchecked(
  context: PipelineContext,
  deps: PipelineDeps,
  error: unknown,
  charge: (candidate: Candidate) => number,
  needs: ReturnType<typeof requestNeeds>,
): BudgetedRoute {
  deps.logger.error("budget check failed", { taskId: context.taskId, error: driverMessage(error) });
  const free = deps.budgets.settings.action === "downgrade" ? alternatives(deps, needs).filter((candidate) => charge(candidate) <= 0) : [];
  if (free.length === 0) {
    deps.budgets.counters.blocked++;
    throw new ProxyError(503, "The budgets could not be checked (the database did not answer), so no paid model may be called. Retry shortly.", {
      type: "server_error",
      code: "budget_unavailable",
      retryable: false,
    });
  }
  return { candidates: free.slice(0, 5), usage: [], note: `budget: could not be checked, using $0 model ${candidateKey(free[0]!)}`, downgraded: true };
}
