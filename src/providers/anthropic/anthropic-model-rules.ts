/**
 * What each Claude model family accepts on the Messages API, as data: the request translation
 * reads these rows and never branches on a model name. The first row whose pattern matches the
 * model id (bare or date-suffixed) wins; a model no row names keeps the rules the provider has
 * always applied (manual thinking budget, every sampling parameter, forced tool use).
 *
 * Sources, checked 2026-11-25:
 * - Thinking: platform.claude.com/docs/en/build-with-claude/thinking-troubleshooting (Claude 4.7 and
 *   later reject `thinking.type: "enabled"` with a 400; Claude 4.5 and earlier know only it; only
 *   Sonnet 5.5 takes "between_tools", in place of "disabled"); the whats-new pages of Opus 5.5
 *   ("Thinking can't be disabled", also on Fable 5.1) and Sonnet 5.5 ("disabled" → 400, use
 *   "between_tools"); haiku-5-5/migration-guide (budget_tokens → adaptive). `thinking.type:
 *   "disabled"` on Haiku 5.5: github.com/OnesoftQwQ/opencode-go-copilot release v1.12.1 (tested).
 *   @anthropic-ai/sdk 1.14 types `output_config.effort` as low | medium | high | xhigh | max.
 * - Sampling: haiku-5-5/migration-guide and sonnet-5/overview (non-default temperature, top_p, top_k
 *   → 400, kept by Sonnet 5.5), fableguide.com/errors (Fable), openrouter.ai model-migrations/claude-5-5
 *   (all three 5.5 models); haiku-4-5/migration-guide ("Use only temperature OR top_p, not both":
 *   400), the same error on Sonnet 4.5 and Opus 4.5 in github.com/langfuse/langfuse#9882 and
 *   github.com/JohnnyZ93/oai-compatible-copilot#81.
 * - Forced tool use (`tool_choice` any / tool) → 400: whats-new-opus-5-5 ("also apply on Claude
 *   Fable 5.1") and whats-new-sonnet-5-5. Haiku 5.5's migration guide lists no such change.
 */
export type ThinkingStyle =
  /** `thinking: {type: "enabled", budget_tokens}`; off unless asked for. */
  | "manual-budget"
  /** `thinking: {type: "adaptive"}` with `output_config.effort`; a budget is a 400. */
  | "adaptive";

/** How a request turns thinking off: leave the field out, send this type, or it cannot. */
export type ThinkingOff = "omit" | "disabled" | "between_tools" | "impossible";

/** Which of temperature / top_p / top_k the model takes. */
export type SamplingRule = "all" | "temperature-or-top-p" | "none";

export interface AnthropicModelRules {
  /** Named in log lines. */
  family: string;
  pattern: RegExp;
  thinking: ThinkingStyle;
  thinkingOff: ThinkingOff;
  sampling: SamplingRule;
  /** Whether `tool_choice` any / tool is accepted. */
  forcedToolChoice: boolean;
}

const rows: AnthropicModelRules[] = [
  { family: "Claude Fable 5", pattern: /^claude-fable-5\b/, thinking: "adaptive", thinkingOff: "impossible", sampling: "none", forcedToolChoice: false },
  { family: "Claude Opus 5.5", pattern: /^claude-opus-5-5\b/, thinking: "adaptive", thinkingOff: "impossible", sampling: "none", forcedToolChoice: false },
  { family: "Claude Sonnet 5.5", pattern: /^claude-sonnet-5-5\b/, thinking: "adaptive", thinkingOff: "between_tools", sampling: "none", forcedToolChoice: false },
  { family: "Claude Haiku 5.5", pattern: /^claude-haiku-5-5\b/, thinking: "adaptive", thinkingOff: "disabled", sampling: "none", forcedToolChoice: true },
  { family: "Claude 4.5", pattern: /^claude-(?:opus|sonnet|haiku)-4-5\b/, thinking: "manual-budget", thinkingOff: "omit", sampling: "temperature-or-top-p", forcedToolChoice: true },
];

const otherModels: AnthropicModelRules = {
  family: "Claude",
  pattern: /(?:)/,
  thinking: "manual-budget",
  thinkingOff: "omit",
  sampling: "all",
  forcedToolChoice: true,
};

export function anthropicModelRules(model: string): AnthropicModelRules {
  return rows.find((row) => row.pattern.test(model)) ?? otherModels;
}
