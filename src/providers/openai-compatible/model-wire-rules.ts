import type { ReasoningEffort } from "../../chat/reasoning-effort";

/**
 * What one model accepts on the chat-completions wire, as data. A provider that knows its models
 * (OpenAI) hands the request translation a row per model; the translation reads the row and never
 * branches on a model name. Rows live with the provider (src/providers/openai/openai-model-rules.ts).
 */

/**
 * When a parameter is accepted:
 * - "always": with any reasoning effort;
 * - "effort-none": only with `reasoning_effort: "none"` in the request;
 * - "never": not on chat completions at all.
 */
export type WhenAccepted = "always" | "effort-none" | "never";

export interface ModelWireRules {
  /** Named in log lines. */
  family: string;
  pattern: RegExp;
  /** Accepted `reasoning_effort` values; null for a model without reasoning (the field is dropped). */
  efforts: readonly ReasoningEffort[] | null;
  /** What the upstream applies when the request carries no effort; null where the vendor does not say. */
  defaultEffort: ReasoningEffort | null;
  /** Function tools (`tools`, legacy `functions`). */
  functionTools: WhenAccepted;
  /** temperature, top_p, penalties, logprobs, top_logprobs, logit_bias. */
  sampling: WhenAccepted;
  /**
   * Requests with function tools go to the Responses API (`POST /v1/responses`) instead, where the
   * model takes them (to-responses-request.ts); requests without tools stay on chat completions.
   */
  toolsOnResponsesApi?: boolean;
}

/** The first row whose pattern matches the model id, or undefined. */
export function findWireRules(rows: readonly ModelWireRules[], model: string): ModelWireRules | undefined {
  return rows.find((row) => row.pattern.test(model));
}
