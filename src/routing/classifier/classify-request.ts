import type { ChatRequest } from "../../chat/request-schema";
import type { Tier } from "../../catalog/catalog-entry";
import { detectBackgroundKind } from "./background-kind";
import { extractTaskText } from "./extract-task-text";
import { type RequestFeatures, computeFeatures } from "./features";
import { scoreFeatures } from "./score";
import { type ThresholdOverrides, resolveThresholds, tierForScore } from "./thresholds";

export { DEFAULT_THRESHOLDS } from "./thresholds";

/** How hard a request is, which tier should serve it, and why. */
export interface Classification {
  /** 0..100, higher = harder. */
  score: number;
  tier: Tier;
  /** Task category for adaptive success rates, e.g. "background:title", "edit", "debug", "security". */
  category: string;
  reasons: string[];
  features: Record<string, number | boolean>;
}

/** Thresholds default to DEFAULT_THRESHOLDS; either bound may be overridden (see resolveThresholds). */
export function classifyRequest(request: ChatRequest, overrides: ThresholdOverrides = {}): Classification {
  const thresholds = resolveThresholds(overrides);
  const text = extractTaskText(request);
  const features = computeFeatures(request, text);
  const background = detectBackgroundKind(request, text);
  if (background) {
    // Whatever the conversation is about, the tool only wants a title, a summary, a completion…
    return {
      score: 0,
      tier: tierForScore(0, thresholds),
      category: `background:${background}`,
      reasons: [`background: ${background}`],
      features: { ...flatten(features), background: true },
    };
  }
  const { score, category, reasons } = scoreFeatures(features);
  return { score, tier: tierForScore(score, thresholds), category, reasons, features: { ...flatten(features), background: false } };
}

function flatten(features: RequestFeatures): Record<string, number | boolean> {
  const { markers, ...rest } = features;
  const flat: Record<string, number | boolean> = { ...rest };
  for (const [marker, strength] of markers) flat[`marker:${marker}`] = strength;
  return flat;
}
