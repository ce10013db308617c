import type { MessageParam, ThinkingConfigParam, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import type { AnthropicModelRules } from "./anthropic-model-rules";
import { type Effort, type ThinkingRequest, thinkingRequest } from "./thinking-request";
import { startsWithThinking } from "./to-anthropic-thinking-blocks";

/**
 * The client's reasoning request (thinking-request.ts) in the form the model takes (its rules row):
 *
 * Manual-budget models (Claude 4.5 and older): `{type: "enabled", budget_tokens}`, budgets by effort
 * below; "none" and "minimal" leave thinking off. Left off too, with a log line, where the API
 * would reject it: the model cannot think (catalog capability); tool use is forced (any/tool is
 * incompatible with thinking); the last assistant turn holds tool_use blocks without its signed
 * thinking block (with thinking on, that turn must start with it; a client that echoes the
 * `reasoning_details` of the answer brings it back, and thinking stays on across the tool loop);
 * the budget (at least 1024, below max_tokens) does not fit in max_tokens.
 *
 * Adaptive models (Claude 5.x): `{type: "adaptive", display: "summarized"}` and `output_config.effort`
 * ("minimal" → low). `display: "summarized"` because these models omit the thinking text by default,
 * and a client that asked for reasoning reads it as `reasoning_content` (as it did on Claude 4.5,
 * whose default is summarized). A client that sent its own `thinking` object gets it back as it
 * was (in the form the model takes: a budget with its display, adaptive as given). A client's
 * budget becomes adaptive thinking at the model's default effort. "none" turns thinking off the way the model allows; where it cannot be turned off, the
 * lowest effort instead. These models think by default, so the manual-mode guards do not apply.
 */
export const THINKING_BUDGETS: Record<Effort, number> = { low: 1024, medium: 4096, high: 16384, xhigh: 32768, max: 65536 };
const MINIMUM_BUDGET = 1024;

export interface ThinkingContext {
  model: string;
  rules: AnthropicModelRules;
  maxTokens: number;
  modelCanThink: boolean;
  toolChoice: ToolChoice | undefined;
  messages: MessageParam[];
}

export interface AnthropicThinkingFields {
  thinking?: ThinkingConfigParam;
  effort?: Effort;
}

function lastAssistantUsesToolsWithoutThinking(messages: MessageParam[]): boolean {
  const last = messages.findLast((message) => message.role === "assistant");
  return Array.isArray(last?.content) && last.content.some((block) => block.type === "tool_use") && !startsWithThinking(last.content);
}

function manualThinking(wanted: ThinkingRequest, context: ThinkingContext, logger: Logger): AnthropicThinkingFields {
  const skip = (reason: string) => {
    logger.debug(`extended thinking left off: ${reason}`, { model: context.model });
    return {};
  };
  if (wanted.kind === "off") return {};
  if (wanted.kind === "minimal") return skip("reasoning_effort minimal is below the smallest budget");
  if (wanted.kind === "adaptive") return skip(`${context.rules.family} takes a manual budget, not adaptive thinking`);
  if (!context.modelCanThink) return skip("the model does not support it");
  if (context.toolChoice?.type === "any" || context.toolChoice?.type === "tool") return skip("tool use is forced");
  if (lastAssistantUsesToolsWithoutThinking(context.messages)) return skip("the last assistant turn has tool calls without its signed thinking block");
  const requested = wanted.kind === "budget" ? wanted.budget : THINKING_BUDGETS[wanted.effort];
  const budget = Math.min(requested, context.maxTokens - 1);
  if (budget < MINIMUM_BUDGET) return skip(`max_tokens ${context.maxTokens} leaves no room for the minimum budget of ${MINIMUM_BUDGET}`);
  if (wanted.kind === "budget") return { thinking: { ...wanted.settings, budget_tokens: budget } as ThinkingConfigParam };
  return { thinking: { type: "enabled", budget_tokens: budget } };
}

function adaptiveThinking(wanted: ThinkingRequest, context: ThinkingContext, logger: Logger): AnthropicThinkingFields {
  const { model, rules } = context;
  const adaptive: ThinkingConfigParam = { type: "adaptive", display: "summarized" };
  switch (wanted.kind) {
    case "effort":
      return { thinking: (wanted.settings as ThinkingConfigParam | undefined) ?? adaptive, effort: wanted.effort };
    case "minimal":
      logger.debug("reasoning_effort minimal → adaptive thinking at effort low, the lowest", { model });
      return { thinking: adaptive, effort: "low" };
    case "budget":
      logger.debug(`thinking budget_tokens dropped: ${rules.family} takes only adaptive thinking`, { model });
      return { thinking: adaptive };
    case "adaptive":
      return { thinking: wanted.settings as ThinkingConfigParam };
    case "off":
      if (rules.thinkingOff === "omit") return {};
      if (rules.thinkingOff === "impossible") {
        logger.debug(`thinking cannot be turned off on ${rules.family}: effort low instead`, { model });
        return { effort: "low" };
      }
      return { thinking: { type: rules.thinkingOff } };
  }
}

export function toAnthropicThinking(request: ChatRequest, context: ThinkingContext, logger: Logger): AnthropicThinkingFields {
  const wanted = thinkingRequest(request, logger);
  if (wanted === undefined) return {};
  if (context.rules.thinking === "manual-budget") return manualThinking(wanted, context, logger);
  if (!context.modelCanThink) {
    logger.debug("thinking left off: the model does not support it", { model: context.model });
    return {};
  }
  return adaptiveThinking(wanted, context, logger);
}
