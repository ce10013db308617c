import type { ChatRequest } from "../../chat/request-schema";
import type { Tier } from "../../catalog/catalog-entry";
import { type BackgroundKind, detectBackgroundKind } from "./background-kind";
import { type Category, categoryOf } from "./categories";
import { extractTaskText } from "./extract-task-text";
import { type FeatureFacts, type FeatureVector, computeFeatures } from "./features";
import { type Contribution, difficulty, scoreOf } from "./ordinal-model";
import { type ThresholdOverrides, resolveThresholds, tierForScore } from "./thresholds";

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

/** What the classifier reads from a request: a background kind (decided by rule) or the model's features. */
export interface RequestDescription {
  background: BackgroundKind | undefined;
  vector: FeatureVector;
  facts: FeatureFacts;
}

export function describeRequest(request: ChatRequest): RequestDescription {
  const text = extractTaskText(request);
  const background = detectBackgroundKind(request, text);
  return { background, ...computeFeatures(request, text) };
}

const REASONS = 4;

/** Thresholds default to DEFAULT_THRESHOLDS; either bound may be overridden (see resolveThresholds). */
export function classifyRequest(request: ChatRequest, overrides: ThresholdOverrides = {}): Classification {
  const thresholds = resolveThresholds(overrides);
  const { background, vector, facts } = describeRequest(request);
  if (background) {
    // Whatever the conversation is about, the tool only wants a title, a summary, a completion…
    return { score: 0, tier: tierForScore(0, thresholds), category: `background:${background}`, reasons: [`background: ${background}`], features: { ...vector, background: true } };
  }
  const { linear, contributions } = difficulty(vector);
  const score = Math.round(scoreOf(linear));
  return {
    score,
    tier: tierForScore(score, thresholds),
    category: categoryOf(contributions, facts.toolErrors > 0 || facts.stackTrace),
    reasons: contributions.slice(0, REASONS).map(describe),
    features: { ...vector, background: false },
  };
}

function describe({ feature, effect }: Contribution): string {
  return `${feature} ${effect >= 0 ? "+" : "−"}${Math.abs(effect).toFixed(1)}`;
}
