import { FEATURE_NAMES, type FeatureName, type FeatureVector } from "./features";
import trained from "./model-weights.json";

/**
 * An ordinal logistic regression (proportional odds) over the named features: one weight per
 * feature gives a difficulty s = Σ weight·value; P(at least standard) = σ(s − cut₁) and
 * P(premium) = σ(s − cut₂). The 0–100 score is the mean of those two probabilities, so it rises
 * with s and the tier boundaries are score thresholds. Weights, cut points and default thresholds
 * are data, written by scripts/train-classifier.ts from the labelled dev cases.
 */
export interface ModelWeights {
  features: string[];
  weights: number[];
  cutpoints: [number, number];
  thresholds: { standard: number; premium: number };
  training: Record<string, unknown>;
}

export interface Contribution {
  feature: FeatureName;
  value: number;
  /** weight × value: how far this feature moved the difficulty. */
  effect: number;
}

let shipped: ModelWeights | undefined;

/** The weights shipped in model-weights.json, checked on first use. */
export function shippedModel(): ModelWeights {
  shipped ??= checkWeights(trained);
  return shipped;
}

/** The shipped weights must match the features this code computes, one weight each. */
export function checkWeights(model: Omit<ModelWeights, "cutpoints"> & { cutpoints: number[] }): ModelWeights {
  if (model.features.join(",") !== FEATURE_NAMES.join(",") || model.weights.length !== FEATURE_NAMES.length) {
    throw new Error(`model-weights.json was trained on other features (${model.features.length}); run scripts/train-classifier.ts`);
  }
  const [first, second] = model.cutpoints;
  if (model.cutpoints.length !== 2 || first === undefined || second === undefined || !(first < second)) throw new Error("model-weights.json needs two increasing cut points");
  return { ...model, cutpoints: [first, second] };
}

export function difficulty(vector: FeatureVector, model: ModelWeights): { linear: number; contributions: Contribution[] } {
  let linear = 0;
  const contributions: Contribution[] = [];
  for (let index = 0; index < FEATURE_NAMES.length; index++) {
    const feature = FEATURE_NAMES[index]!;
    const value = vector[feature];
    if (value === 0) continue;
    const effect = model.weights[index]! * value;
    linear += effect;
    contributions.push({ feature, value, effect });
  }
  contributions.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
  return { linear, contributions };
}

const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));

/** 0–100, from the probabilities of needing at least standard and of needing premium. */
export function scoreOf(linear: number, model: Pick<ModelWeights, "cutpoints">): number {
  return (100 * (sigmoid(linear - model.cutpoints[0]) + sigmoid(linear - model.cutpoints[1]))) / 2;
}
