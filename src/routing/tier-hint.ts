import type { Tier } from "../catalog/catalog-entry";
import type { Classification } from "./classifier/classify-request";
import type { ClassifierEvidence } from "./router";

/**
 * A door's reading of the model name a client asked for, when configuration says to treat it as
 * a hint rather than a choice (the Anthropic door's `ANTHROPIC_DOOR_MODELS=auto`: a haiku name
 * asks for economy work, sonnet standard, opus premium). The request is then routed as `auto`
 * from the hinted tier, except that background work the classifier recognises (titles,
 * summaries, topic checks, …) stays economy whatever name it came with.
 */
export interface TierHint {
  tier: Tier;
  /** Why, for the route reason: e.g. "claude-haiku-4-5 asks for economy". */
  reason: string;
}

export interface StartingTier {
  tier: Tier;
  evidence: ClassifierEvidence | undefined;
}

export function startingTier(classification: Classification | undefined, hint: TierHint | undefined): StartingTier {
  const classified = classification?.tier ?? "standard";
  if (!hint || classification?.category.startsWith("background:")) return { tier: classified, evidence: classification };
  return { tier: hint.tier, evidence: { score: classification?.score ?? 0, reasons: [hint.reason, ...(classification?.reasons ?? [])] } };
}
