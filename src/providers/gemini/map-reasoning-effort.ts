import type { ThinkingConfig } from "@google/genai";
import type { Logger } from "../../logger";

/**
 * OpenAI's `reasoning_effort` as a Gemini thinking budget, with the budgets Google's own
 * OpenAI-compatible endpoint uses (low 1024, medium 8192, high 24576 tokens). Thoughts are
 * included so that they reach the client as `reasoning_content`. `none` turns thinking off;
 * Pro models cannot, so they get their smallest budget instead.
 */
const budgets: Record<string, number> = { minimal: 1024, low: 1024, medium: 8192, high: 24576 };
const smallestProBudget = 128;

export function mapReasoningEffort(effort: unknown, model: string, logger: Logger): ThinkingConfig | undefined {
  if (typeof effort !== "string") return undefined;
  if (effort === "none") {
    if (/-pro\b/.test(model)) {
      logger.debug("reasoning_effort none: this Gemini model cannot stop thinking; using its smallest budget", { model });
      return { thinkingBudget: smallestProBudget };
    }
    return { thinkingBudget: 0 };
  }
  const budget = budgets[effort];
  if (budget === undefined) {
    logger.debug("dropped an unknown reasoning_effort", { model, effort });
    return undefined;
  }
  return { thinkingBudget: budget, includeThoughts: true };
}
