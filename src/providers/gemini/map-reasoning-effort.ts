import type { ThinkingConfig, ThinkingLevel } from "@google/genai";
import type { Logger } from "../../logger";
import { type GeminiEffort, type GeminiModelRules, geminiEfforts } from "./gemini-model-rules";

/**
 * OpenAI's `reasoning_effort` as the model's thinking config, read from its rules row: a budget
 * (Gemini 2.5) or a level (Gemini 3 and 4), never both. Thoughts are included, so that they reach
 * the client as `reasoning_content`, unless the client asked for none. An effort the model has no exact
 * setting for (thinking off where it cannot stop, minimal or xhigh where there is no such level)
 * becomes its nearest one, with a log line. Without `reasoning_effort` nothing is sent.
 */
export function mapReasoningEffort(effort: unknown, model: string, rules: GeminiModelRules, logger: Logger): ThinkingConfig | undefined {
  if (effort == null) return undefined;
  if (!isGeminiEffort(effort)) {
    logger.debug("dropped an unknown reasoning_effort", { model, effort });
    return undefined;
  }
  const { thinking } = rules;
  if (thinking.style === "budget") {
    const budget = thinking.budgets[effort];
    if (effort === "none" && budget > 0) logger.debug(`reasoning_effort none: ${rules.family} cannot stop thinking; using its smallest budget`, { model, budget });
    return effort === "none" ? { thinkingBudget: budget } : { thinkingBudget: budget, includeThoughts: true };
  }
  const level = thinking.levels[effort];
  if (level.toLowerCase() !== effort) logger.debug(`reasoning_effort ${effort}: ${rules.family} has no such thinking level; using ${level}`, { model, effort, level });
  // The SDK's ThinkingLevel enum values are these same strings.
  const thinkingLevel = level as ThinkingLevel;
  return effort === "none" ? { thinkingLevel } : { thinkingLevel, includeThoughts: true };
}

function isGeminiEffort(value: unknown): value is GeminiEffort {
  return typeof value === "string" && (geminiEfforts as readonly string[]).includes(value);
}
