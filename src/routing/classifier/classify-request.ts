import type { ChatRequest } from "../../chat/request-schema";
import type { Tier } from "../../catalog/catalog-entry";
import { type Category, categoryOf } from "./categories";
import { describeRequest } from "./describe-request";
import type { FeatureVector } from "./features";
import { type Contribution, difficulty, scoreOf, shippedModel } from "./ordinal-model";
import { type ThresholdOverrides, type TierThresholds, resolveThresholds, tierForScore } from "./thresholds";

export { DEFAULT_THRESHOLDS } from "./thresholds";

/** How hard a request is, which tier should serve it, and why. */
export interface Classification {
  /** 0..100, higher = harder. */
  score: number;
  tier: Tier;
  /** Task category for adaptive success rates (categories.ts), e.g. "background:title", "concurrency", "edit". */
  category: Category;
  /** The strongest reasons first, e.g. "task:concurrency +2.1" or "background: title". */
  reasons: string[];
  features: Record<string, number | boolean>;
}

const REASONS = 4;

/** Thresholds default to DEFAULT_THRESHOLDS; either bound may be overridden (see resolveThresholds). */
export function classifyRequest(request: ChatRequest, overrides: ThresholdOverrides = {}): Classification {
  const thresholds = thresholdsFor(overrides);
  const { background, vector, facts } = describeRequest(request);
  if (background) {
    // Whatever the conversation is about, the tool only wants a title, a summary, a completion…
    return { score: 0, tier: tierForScore(0, thresholds), category: `background:${background}`, reasons: [`background: ${background}`], features: withBackground(vector, true) };
  }
  const model = shippedModel();
  const { linear, contributions } = difficulty(vector, model);
  const score = Math.round(scoreOf(linear, model));
  return {
    score,
    tier: tierForScore(score, thresholds),
    category: categoryOf(contributions, facts.toolErrors > 0 || facts.stackTrace),
    reasons: contributions.slice(0, REASONS).map(describe),
    features: withBackground(vector, false),
  };
}

/** The vector itself with `background` added last (the vector is this call's own): the same keys and values as a copy, without copying ~45 of them. */
function withBackground(vector: FeatureVector, background: boolean): Record<string, number | boolean> {
  const features: Record<string, number | boolean> = vector;
  features.background = background;
  return features;
}

/**
 * The last overrides' resolved thresholds: the proxy passes the same configuration object, with the
 * same two numbers (ROUTING_*_THRESHOLD), every request, so they are checked and copied once. Only a
 * successful resolution is kept: bad values throw every time, as before.
 */
let lastResolved: { overrides: ThresholdOverrides; standard: number | undefined; premium: number | undefined; thresholds: TierThresholds } | undefined;

function thresholdsFor(overrides: ThresholdOverrides): TierThresholds {
  const last = lastResolved;
  if (last && last.overrides === overrides && last.standard === overrides.standard && last.premium === overrides.premium) return last.thresholds;
  const thresholds = resolveThresholds(overrides);
  lastResolved = { overrides, standard: overrides.standard, premium: overrides.premium, thresholds };
  return thresholds;
}

function describe({ feature, effect }: Contribution): string {
  // ASCII only: the reason travels in the x-route-reason header.
  return `${feature} ${effect >= 0 ? "+" : "-"}${Math.abs(effect).toFixed(1)}`;
}
