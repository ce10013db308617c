import type { MessageParam, ThinkingConfigEnabled, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";

/**
 * OpenAI `reasoning_effort` → Anthropic extended thinking (`{type: "enabled", budget_tokens}`).
 * A client may also send Anthropic's own `thinking` object (LiteLLM-style), which wins.
 * Thinking is left off, with a log line, where the API would reject it:
 * - the model cannot think (catalog capability);
 * - tool use is forced (`tool_choice` any/tool is incompatible with thinking);
 * - the last assistant turn holds tool_use blocks: with thinking on, that turn must start with its
 *   signed thinking block, which OpenAI clients do not keep;
 * - the budget (at least 1024, below max_tokens) does not fit in the client's max_tokens.
 */
export const THINKING_BUDGETS: Record<string, number> = { low: 1024, medium: 4096, high: 16384 };
const MINIMUM_BUDGET = 1024;

export interface ThinkingContext {
  maxTokens: number;
  modelCanThink: boolean;
  toolChoice: ToolChoice | undefined;
  messages: MessageParam[];
}

function requestedBudget(request: ChatRequest, logger: Logger): number | undefined {
  const explicit = request.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  if (explicit?.type === "enabled" && typeof explicit.budget_tokens === "number") return explicit.budget_tokens;
  if (explicit?.type === "disabled") return undefined;
  const effort = request.reasoning_effort;
  if (effort == null || effort === "none" || effort === "minimal") return undefined;
  const budget = typeof effort === "string" ? THINKING_BUDGETS[effort] : undefined;
  if (budget === undefined) logger.debug("ignored reasoning_effort: not one of low, medium, high", { reasoningEffort: String(effort) });
  return budget;
}

function lastAssistantUsesTools(messages: MessageParam[]): boolean {
  const last = messages.findLast((message) => message.role === "assistant");
  return Array.isArray(last?.content) && last.content.some((block) => block.type === "tool_use");
}

export function toAnthropicThinking(request: ChatRequest, context: ThinkingContext, logger: Logger): ThinkingConfigEnabled | undefined {
  const wanted = requestedBudget(request, logger);
  if (wanted === undefined) return undefined;
  const skip = (reason: string) => {
    logger.debug(`extended thinking left off: ${reason}`);
    return undefined;
  };
  if (!context.modelCanThink) return skip("the model does not support it");
  if (context.toolChoice?.type === "any" || context.toolChoice?.type === "tool") return skip("tool use is forced");
  if (lastAssistantUsesTools(context.messages)) return skip("the last assistant turn has tool calls without its signed thinking block");
  const budget = Math.min(wanted, context.maxTokens - 1);
  if (budget < MINIMUM_BUDGET) return skip(`max_tokens ${context.maxTokens} leaves no room for the minimum budget of ${MINIMUM_BUDGET}`);
  return { type: "enabled", budget_tokens: budget };
}
