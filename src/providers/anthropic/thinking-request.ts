import { isReasoningEffort, type ReasoningEffort } from "../../chat/reasoning-effort";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";

/**
 * What the client asked of thinking, before any model is considered: OpenAI's `reasoning_effort`,
 * or Anthropic's own `thinking` object (LiteLLM-style), which wins where both are sent.
 */
/** The efforts with a thinking budget (to-anthropic-thinking.ts); "max" is ignored as unknown. */
export type Effort = Extract<ReasoningEffort, "low" | "medium" | "high" | "xhigh">;

export type ThinkingRequest =
  | { kind: "off" }
  /** reasoning_effort "minimal": as little thinking as the model allows. */
  | { kind: "minimal" }
  | { kind: "effort"; effort: Effort }
  /** `thinking: {type: "enabled", budget_tokens}` from the client. */
  | { kind: "budget"; budget: number }
  /** `thinking: {type: "adaptive"}` from the client, without a reasoning_effort. */
  | { kind: "adaptive" };

const efforts: readonly ReasoningEffort[] = ["low", "medium", "high", "xhigh"] satisfies Effort[];
const isEffort = (value: unknown): value is Effort => isReasoningEffort(value) && efforts.includes(value);

function fromReasoningEffort(effort: unknown, logger: Logger): ThinkingRequest | undefined {
  if (effort == null) return undefined;
  if (effort === "none") return { kind: "off" };
  if (effort === "minimal") return { kind: "minimal" };
  if (isEffort(effort)) return { kind: "effort", effort };
  logger.debug("ignored reasoning_effort: not one of none, minimal, low, medium, high, xhigh", { reasoningEffort: String(effort) });
  return undefined;
}

export function thinkingRequest(request: ChatRequest, logger: Logger): ThinkingRequest | undefined {
  const explicit = request.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  const effort = fromReasoningEffort(request.reasoning_effort, logger);
  if (explicit?.type === "enabled" && typeof explicit.budget_tokens === "number") return { kind: "budget", budget: explicit.budget_tokens };
  if (explicit?.type === "disabled") return { kind: "off" };
  if (explicit?.type === "adaptive") return effort?.kind === "effort" ? effort : { kind: "adaptive" };
  return effort;
}
