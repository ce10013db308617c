import { z } from "zod";

/**
 * Extended-thinking settings in Anthropic's own form, as the `thinking` field of a request: sent
 * by the Anthropic door (the client's object, unchanged) and by OpenAI clients that speak
 * LiteLLM's dialect. `display` is kept as given ("summarized", "omitted", and newer values such
 * as Claude Code's "updates"). The field is also a vendor field other OpenAI-compatible servers
 * define differently (`{type: "enabled"}` without a budget), so it stays loose in the request
 * schema and is read through `thinkingSettings`, which yields only what has Anthropic's shape.
 */
export type ThinkingSettings =
  | { type: "enabled"; budget_tokens: number; display?: string }
  | { type: "adaptive"; display?: string }
  | { type: "disabled" }
  | { type: "between_tools" };

export const thinkingSettingsSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("enabled"), budget_tokens: z.number().int().positive(), display: z.string().optional() }),
  z.looseObject({ type: z.literal("adaptive"), display: z.string().optional() }),
  z.object({ type: z.literal("disabled") }),
  z.object({ type: z.literal("between_tools") }),
]) satisfies z.ZodType<ThinkingSettings>;

/** A request's `thinking` field, read typed: undefined unless it has Anthropic's shape. */
export function thinkingSettings(value: unknown): ThinkingSettings | undefined {
  if (value == null) return undefined;
  const parsed = thinkingSettingsSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
