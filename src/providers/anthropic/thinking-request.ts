import { isReasoningEffort, type ReasoningEffort } from "../../chat/reasoning-effort";
import type { ChatRequest } from "../../chat/request-schema";
import { type ThinkingSettings, thinkingSettings } from "../../chat/thinking-settings";
import type { Logger } from "../../logger";

/**
 * What the client asked of thinking, before any model is considered: OpenAI's `reasoning_effort`,
 * or Anthropic's own `thinking` object (from the Anthropic door, or LiteLLM-style from an OpenAI
 * client), which wins where both are sent. The client's object travels along (`settings`), so a
 * model that takes that form gets it back unchanged (its `display`, say).
 */
/** The efforts Anthropic takes (`output_config.effort`; budgets in to-anthropic-thinking.ts). */
export type Effort = Extract<ReasoningEffort, "low" | "medium" | "high" | "xhigh" | "max">;

type Budget = Extract<ThinkingSettings, { type: "enabled" }>;
type Adaptive = Extract<ThinkingSettings, { type: "adaptive" }>;

export type ThinkingRequest =
  | { kind: "off" }
  /** reasoning_effort "minimal": as little thinking as the model allows. */
  | { kind: "minimal" }
  | { kind: "effort"; effort: Effort; settings?: Adaptive }
  /** `thinking: {type: "enabled", budget_tokens}` from the client. */
  | { kind: "budget"; budget: number; settings: Budget }
  /** `thinking: {type: "adaptive"}` from the client, without a reasoning_effort. */
  | { kind: "adaptive"; settings: Adaptive };

const efforts: readonly ReasoningEffort[] = ["low", "medium", "high", "xhigh", "max"] satisfies Effort[];
const isEffort = (value: unknown): value is Effort => isReasoningEffort(value) && efforts.includes(value);

function fromReasoningEffort(effort: unknown, logger: Logger): Extract<ThinkingRequest, { kind: "off" | "minimal" | "effort" }> | undefined {
  if (effort == null) return undefined;
  if (effort === "none") return { kind: "off" };
  if (effort === "minimal") return { kind: "minimal" };
  if (isEffort(effort)) return { kind: "effort", effort };
  logger.debug("ignored reasoning_effort: not one of none, minimal, low, medium, high, xhigh, max", { reasoningEffort: String(effort) });
  return undefined;
}

export function thinkingRequest(request: ChatRequest, logger: Logger): ThinkingRequest | undefined {
  const explicit = thinkingSettings(request.thinking);
  const effort = fromReasoningEffort(request.reasoning_effort, logger);
  if (explicit?.type === "enabled") return { kind: "budget", budget: explicit.budget_tokens, settings: explicit };
  if (explicit?.type === "disabled") return { kind: "off" };
  if (explicit?.type === "adaptive") return effort?.kind === "effort" ? { ...effort, settings: explicit } : { kind: "adaptive", settings: explicit };
  return effort;
}
