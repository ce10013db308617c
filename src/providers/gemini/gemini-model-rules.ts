import { type ReasoningEffort, reasoningEfforts } from "../../chat/reasoning-effort";

/**
 * What each Gemini model family takes on `generateContent`, as data: the request translation
 * reads these rows and never branches on a model name. The first row whose pattern matches the
 * model id wins; a model no row names keeps the rules the provider has always applied (a thinking
 * budget, every sampling parameter), which is what Gemini 2.0 and earlier take.
 *
 * Sources, checked 2026-11-25:
 * - Thinking levels per model: docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/
 *   gemini-4-hydrogen (LOW, MEDIUM, HIGH default, XHIGH), …/guides/gemini-4-argon and
 *   ai.google.dev/gemini-api/docs/generate-content/latest-model (Argon: low, medium default, high),
 *   …/guides/gemini-3-8-flash (3.8 and 3.7 Flash: LOW, MEDIUM default, HIGH; no MINIMAL),
 *   …/models/gemini/3-5-flash-lite and ai.google.dev/gemini-api/docs/whats-new-gemini-3.6
 *   (3.5 Flash-Lite: MINIMAL default, LOW, MEDIUM, HIGH). Carbon: low, medium default, high on
 *   replicate.com/google/gemini-4-carbon and openrouter.ai/google/gemini-4-carbon (no Google page
 *   found). @google/genai 3.3 types `thinkingLevel` as MINIMAL | LOW | MEDIUM | HIGH | XHIGH.
 * - Gemini 4 returns 400 for `thinking_budget`, for MINIMAL and for frequency/presence penalties, and
 *   ignores temperature / top_p / top_k (dev.to/aihubmix gemini-4-neon-migration and
 *   moving-gemini-3x-code-to-gemini-4-argon, both from Google's "What's new in Gemini 4" pages).
 * - Gemini 3.5 and later: temperature, top_p and top_k are deprecated and ignored (Google's Gemini
 *   3.6 Flash / 3.5 Flash-Lite migration guide, via dev.to/develmilk how-to-migrate-to-gemini-36-flash).
 * - Penalties: "Penalty is not enabled for this model" (400) on Gemini 2.5 and 3.x
 *   (github.com/google-gemini/cookbook#1290, vercel/ai#8943, PublicAffairs/openai-gemini#63, and
 *   on 3.7/3.8 Flash github.com/Ikalus1988/MisakaNet#1473); Google's forum: only Gemini 2.0 Flash takes them.
 * - Gemini 2.5 budgets: Flash 0–24,576 (0 turns thinking off), Flash-Lite 512–24,576 (0 off),
 *   Pro 128–32,768 (cannot turn off); `thinking_level` on 2.5 is a 400 ("Thinking level is not
 *   supported for this model"): ai.google.dev/gemini-api/docs/thinking as quoted in
 *   github.com/juspay/neurolink#1707 and help.apiyi.com. Low / medium / high budgets are the ones
 *   Google's own OpenAI-compatible endpoint uses (1,024 / 8,192 / 24,576).
 * - No per-model difference was found for JSON output (`responseMimeType` + `responseJsonSchema`)
 *   or for `toolConfig.functionCallingConfig` (AUTO / ANY / NONE, allowedFunctionNames).
 */

/** The efforts Gemini settings exist for: all but "max", which is dropped as unknown. */
export type GeminiEffort = Exclude<ReasoningEffort, "max">;
export const geminiEfforts: readonly GeminiEffort[] = reasoningEfforts.filter((effort): effort is GeminiEffort => effort !== "max");

/** The `thinkingLevel` values of @google/genai's ThinkingLevel enum (the wire spelling). */
export type GeminiThinkingLevel = "MINIMAL" | "LOW" | "MEDIUM" | "HIGH" | "XHIGH";

export type GeminiThinking =
  /** `thinkingConfig.thinkingBudget` in tokens; 0 turns thinking off. A level is a 400. */
  | { style: "budget"; budgets: Record<GeminiEffort, number> }
  /** `thinkingConfig.thinkingLevel`; a budget is a 400 (Gemini 4) or ignored. Thinking cannot be turned off. */
  | { style: "level"; levels: Record<GeminiEffort, GeminiThinkingLevel> };

/** What the model does with an OpenAI sampling field: take it, ignore it (so it is not sent), or answer 400. */
export type FieldSupport = "accepted" | "ignored" | "rejected";
export const samplingFields = ["temperature", "top_p", "presence_penalty", "frequency_penalty"] as const;
export type SamplingField = (typeof samplingFields)[number];

export interface GeminiModelRules {
  /** Named in log lines. */
  family: string;
  pattern: RegExp;
  thinking: GeminiThinking;
  sampling: Record<SamplingField, FieldSupport>;
}

// Budgets: the "none" entry is what "turn thinking off" becomes (the smallest budget where the model cannot).
const flashBudgets = { none: 0, minimal: 1024, low: 1024, medium: 8192, high: 24_576, xhigh: 24_576 };
const proBudgets = { none: 128, minimal: 1024, low: 1024, medium: 8192, high: 24_576, xhigh: 32_768 };
// Levels: efforts a model has no level for become its nearest one.
const levelsLowToHigh: Record<GeminiEffort, GeminiThinkingLevel> = { none: "LOW", minimal: "LOW", low: "LOW", medium: "MEDIUM", high: "HIGH", xhigh: "HIGH" };
const levelsLowToXhigh: Record<GeminiEffort, GeminiThinkingLevel> = { ...levelsLowToHigh, xhigh: "XHIGH" };
const levelsMinimalToHigh: Record<GeminiEffort, GeminiThinkingLevel> = { ...levelsLowToHigh, none: "MINIMAL", minimal: "MINIMAL" };

const allSampling: Record<SamplingField, FieldSupport> = { temperature: "accepted", top_p: "accepted", presence_penalty: "accepted", frequency_penalty: "accepted" };
const noPenalties: Record<SamplingField, FieldSupport> = { ...allSampling, presence_penalty: "rejected", frequency_penalty: "rejected" };
const samplingIgnored: Record<SamplingField, FieldSupport> = { ...noPenalties, temperature: "ignored", top_p: "ignored" };

const rows: GeminiModelRules[] = [
  { family: "Gemini 4 Hydrogen", pattern: /^gemini-4-hydrogen\b/, thinking: { style: "level", levels: levelsLowToXhigh }, sampling: samplingIgnored },
  { family: "Gemini 4", pattern: /^gemini-4(?:[.-]|$)/, thinking: { style: "level", levels: levelsLowToHigh }, sampling: samplingIgnored },
  { family: "Gemini 3.5+ Flash-Lite", pattern: /^gemini-3\.[5-9]-flash-lite\b/, thinking: { style: "level", levels: levelsMinimalToHigh }, sampling: samplingIgnored },
  { family: "Gemini 3.7+ Flash", pattern: /^gemini-3\.[7-9]-flash\b/, thinking: { style: "level", levels: levelsLowToHigh }, sampling: samplingIgnored },
  // Other Gemini 3 (3 / 3.1 Pro and Flash, 3.5 / 3.6 Flash): LOW and HIGH exist on all of them.
  { family: "Gemini 3", pattern: /^gemini-3(?:[.-]|$)/, thinking: { style: "level", levels: levelsLowToHigh }, sampling: noPenalties },
  { family: "Gemini 2.5 Pro", pattern: /^gemini-2\.5-pro\b/, thinking: { style: "budget", budgets: proBudgets }, sampling: noPenalties },
  { family: "Gemini 2.5 Flash", pattern: /^gemini-2\.5-flash\b/, thinking: { style: "budget", budgets: flashBudgets }, sampling: noPenalties },
];

const otherModels: GeminiModelRules = { family: "Gemini", pattern: /(?:)/, thinking: { style: "budget", budgets: flashBudgets }, sampling: allSampling };

export function geminiModelRules(model: string): GeminiModelRules {
  const id = model.replace(/^models\//, "");
  return rows.find((row) => row.pattern.test(id)) ?? otherModels;
}
