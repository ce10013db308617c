import type { Tier } from "../../catalog/catalog-entry";
import { shippedModel } from "./ordinal-model";

/** Score boundaries: below `standard` is economy, from `premium` up is premium. */
export interface TierThresholds {
  standard: number;
  premium: number;
}

// Fitted with the model by scripts/train-classifier.ts (on cross-validated dev predictions).
export const DEFAULT_THRESHOLDS: Readonly<TierThresholds> = Object.freeze({ ...shippedModel().thresholds });

/** Overrides as configuration delivers them (ROUTING_STANDARD_THRESHOLD / ROUTING_PREMIUM_THRESHOLD). */
export type ThresholdOverrides = { standard?: number | undefined; premium?: number | undefined };

/**
 * Defaults with overrides applied. When only one bound is overridden and it crosses the other's
 * default, the other moves just past it, so a lone ROUTING_STANDARD_THRESHOLD=70 still works;
 * two explicit bounds in the wrong order are a configuration error and throw.
 */
export function resolveThresholds(overrides: ThresholdOverrides = {}): TierThresholds {
  for (const [name, value] of Object.entries(overrides)) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > 100)) {
      throw new RangeError(`routing threshold ${name} must be a number from 0 to 100, got ${value}`);
    }
  }
  const { standard: givenStandard, premium: givenPremium } = overrides;
  if (givenStandard !== undefined && givenPremium !== undefined) {
    if (givenStandard >= givenPremium) throw new RangeError(`routing thresholds need standard < premium, got standard=${givenStandard} premium=${givenPremium}`);
    return { standard: givenStandard, premium: givenPremium };
  }
  if (givenStandard !== undefined) return { standard: givenStandard, premium: Math.max(DEFAULT_THRESHOLDS.premium, givenStandard + 1) };
  if (givenPremium !== undefined) return { standard: Math.min(DEFAULT_THRESHOLDS.standard, givenPremium - 1), premium: givenPremium };
  return { ...DEFAULT_THRESHOLDS };
}

export function tierForScore(score: number, thresholds: TierThresholds = DEFAULT_THRESHOLDS): Tier {
  if (score >= thresholds.premium) return "premium";
  if (score >= thresholds.standard) return "standard";
  return "economy";
}
