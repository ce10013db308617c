import { TIERS, type Tier } from "../catalog/catalog-entry";
import { ProxyError } from "../errors";
import { type Candidate, candidateKey } from "../routing/candidate";
import type { Reservation } from "./budget-service-types";
import { type BudgetUsage, budgetName, GLOBAL_SCOPE, remainingUsd } from "./budget-types";
import { dollars } from "./money-text";

/**
 * Fits a route into the budgets. The reservation covers the route's dearest candidate, since any
 * of them may end up serving (a fallback happens before anything reaches the client). When the
 * budgets cannot hold that:
 * - the chain keeps the candidates that fit, if its first candidate is one of them (the request is
 *   served as routed, with fewer fallbacks);
 * - otherwise BUDGET_ACTION=block refuses it (429, budget_exceeded), and downgrade re-routes it to
 *   the capable models that fit: the routed tier and those below it, cheapest first in each, then
 *   flat-billed models of higher tiers; a flat-billed model always fits.
 * The check is repeated with fresh figures when another request took the room meanwhile.
 */
export interface RouteBudgetInput {
  candidates: readonly Candidate[];
  /** The tier the route asked for. */
  tier: Tier | undefined;
  /** The most the request can cost on a candidate. */
  charge(candidate: Candidate): number;
  /** Scopes that have a limit now. */
  limitedScopes: ReadonlySet<string>;
  reserve(amounts: ReadonlyMap<string, number>): Promise<{ granted: boolean; usage: BudgetUsage[]; reservation?: Reservation }>;
  /** Every model that can serve the request, for a downgrade. */
  alternatives(): Candidate[];
  action: "downgrade" | "block";
  timeZone: string;
}

export interface BudgetedRoute {
  candidates: Candidate[];
  reservation?: Reservation;
  usage: BudgetUsage[];
  /** What the budget changed, for x-route-reason. */
  note?: string;
  /** The request goes to another (cheaper or $0) model than routed because of a budget. */
  downgraded?: boolean;
}

const ATTEMPTS = 4;
const MAX_CANDIDATES = 5;

export async function reserveRoute(input: RouteBudgetInput): Promise<BudgetedRoute> {
  let chain = [...input.candidates];
  let usage: BudgetUsage[] = [];
  let note: string | undefined;
  let downgraded = false;
  for (let attempt = 0; attempt < ATTEMPTS && chain.length > 0; attempt++) {
    const amounts = reservationAmounts(chain, input);
    if (amounts.size === 0) return { candidates: chain, usage, note, downgraded };
    const result = await input.reserve(amounts);
    usage = result.usage;
    if (result.granted) return { candidates: chain, reservation: result.reservation, usage, note, downgraded };

    const fits = (candidate: Candidate) => fitsBudgets(candidate, input.charge(candidate), usage);
    const first = chain[0]!;
    if (fits(first)) {
      chain = chain.filter(fits);
      continue;
    }
    if (input.action === "block") throw budgetExceeded(first, input, usage, false);
    const downgradedChain = orderAlternatives(input.alternatives().filter(fits), input).slice(0, MAX_CANDIDATES);
    if (downgradedChain.length === 0) throw budgetExceeded(first, input, usage, true);
    note = `${shortfall(first, input.charge(first), usage)}; downgraded to ${candidateKey(downgradedChain[0]!)}`;
    chain = downgradedChain;
    downgraded = true;
  }
  throw budgetExceeded(input.candidates[0]!, input, usage, input.action === "downgrade");
}

/** Scope → the most the chain can cost there: globally its dearest candidate, per provider that provider's dearest. */
function reservationAmounts(chain: readonly Candidate[], input: RouteBudgetInput): Map<string, number> {
  const amounts = new Map<string, number>();
  for (const candidate of chain) {
    const charge = input.charge(candidate);
    if (charge <= 0) continue;
    for (const scope of [GLOBAL_SCOPE, candidate.provider.id]) {
      if (input.limitedScopes.has(scope)) amounts.set(scope, Math.max(amounts.get(scope) ?? 0, charge));
    }
  }
  return amounts;
}

function covers(budget: BudgetUsage, candidate: Candidate): boolean {
  return budget.scope === GLOBAL_SCOPE || budget.scope === candidate.provider.id;
}

function fitsBudgets(candidate: Candidate, charge: number, usage: readonly BudgetUsage[]): boolean {
  return charge <= 0 || usage.every((budget) => !covers(budget, candidate) || charge <= remainingUsd(budget) + 1e-9);
}

/** The routed tier and those below it (paid or flat), then flat-billed models of higher tiers; cheapest first in each. */
function orderAlternatives(candidates: Candidate[], input: RouteBudgetInput): Candidate[] {
  const routed = TIERS.indexOf(input.tier ?? "premium");
  const rank = (candidate: Candidate) => {
    const tier = TIERS.indexOf(candidate.entry.tier);
    return tier <= routed ? routed - tier : TIERS.length + tier;
  };
  return candidates
    .filter((candidate) => TIERS.indexOf(candidate.entry.tier) <= routed || input.charge(candidate) <= 0)
    .map((candidate) => ({ candidate, rank: rank(candidate), charge: input.charge(candidate) }))
    .sort((a, b) => a.rank - b.rank || a.charge - b.charge)
    .map(({ candidate }) => candidate);
}

/** The budget that stops a candidate: the covering one with the least room. */
function binding(candidate: Candidate, usage: readonly BudgetUsage[]): BudgetUsage | undefined {
  return usage.filter((budget) => covers(budget, candidate)).sort((a, b) => remainingUsd(a) - remainingUsd(b))[0];
}

function shortfall(candidate: Candidate, charge: number, usage: readonly BudgetUsage[]): string {
  const budget = binding(candidate, usage);
  const room = budget ? `the ${budgetName(budget)} has ${dollars(remainingUsd(budget))} left` : "a budget has no room left";
  return `budget: ${room}, ${candidateKey(candidate)} may cost up to ${dollars(charge)}`;
}

function budgetExceeded(candidate: Candidate, input: RouteBudgetInput, usage: readonly BudgetUsage[], triedDowngrade: boolean): ProxyError {
  const budget = binding(candidate, usage);
  const charge = input.charge(candidate);
  const what = budget
    ? `The ${budgetName(budget)} of ${dollars(budget.limitUsd)} cannot cover this request: ${dollars(budget.spentUsd)} is spent and ` +
      `${dollars(budget.reservedUsd)} is held by requests in flight, and this one may cost up to ${dollars(charge)} on ${candidateKey(candidate)}. ` +
      `It resets at ${budget.resetsAt.toISOString()} (${input.timeZone}).`
    : `The budgets changed while this request was checked; it may cost up to ${dollars(charge)} on ${candidateKey(candidate)}.`;
  const downgrade = triedDowngrade ? " No cheaper model that can serve it fits either." : "";
  // Room held by requests in flight comes back when they end, spent room only at the reset: a
  // retry can help only if some model it may go to is kept out by holds alone.
  const spentOut = (other: Candidate) => !fitsBudgets(other, input.charge(other), usage.map((usage) => ({ ...usage, reservedUsd: 0 })));
  const final = budget !== undefined && spentOut(candidate) && (!triedDowngrade || input.alternatives().every(spentOut));
  return new ProxyError(429, `${what}${downgrade} Raise the budget with PUT /api/budgets, or lower max_tokens.`, {
    type: "rate_limit_error",
    code: "budget_exceeded",
    final,
  });
}
