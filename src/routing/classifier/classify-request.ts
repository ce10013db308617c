import type { ChatRequest } from "../../chat/request-schema";
import type { Tier } from "../model-catalog";

/**
 * INTERIM entry point so the pipeline builds while the real classifier is being written in this
 * folder; it will replace this file (same exports). Scores by prompt size only.
 */
export interface Classification {
  score: number;
  tier: Tier;
  category: string;
  reasons: string[];
  features: Record<string, number | boolean>;
}

export const DEFAULT_THRESHOLDS = { standard: 30, premium: 60 };

export function classifyRequest(request: ChatRequest, thresholds: { standard?: number; premium?: number } = {}): Classification {
  const { standard = DEFAULT_THRESHOLDS.standard, premium = DEFAULT_THRESHOLDS.premium } = thresholds;
  const characters = JSON.stringify(request.messages).length;
  const score = Math.min(100, Math.round(characters / 2000));
  const tier: Tier = score >= premium ? "premium" : score >= standard ? "standard" : "economy";
  return { score, tier, category: "unclassified", reasons: [`${characters} characters`], features: { characters } };
}
