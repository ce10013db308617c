/**
 * How hard a model should think, in OpenAI's `reasoning_effort` vocabulary: the one scale every
 * provider maps from. Weakest first; the order is what nearest-value mappings walk. A provider
 * that knows only part of the scale names its part as a subset of this type (e.g. Anthropic's
 * budgets exist for low…xhigh), so a new value is added here once.
 */
export const reasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
export type ReasoningEffort = (typeof reasoningEfforts)[number];

export function isReasoningEffort(value: unknown): value is ReasoningEffort {
  return typeof value === "string" && (reasoningEfforts as readonly string[]).includes(value);
}
