import type { ReasoningEffort } from "../../chat/reasoning-effort";
import type { ChatRequest } from "../../chat/request-schema";
import type { ThinkingSettings } from "../../chat/thinking-settings";
import type { MessagesRequest } from "./messages-schema";

/**
 * Anthropic's `thinking` and `output_config` → the chat request's reasoning fields:
 * - `thinking` is kept as the client sent it (the Anthropic provider sends it back as is, where
 *   the model takes that form);
 * - `reasoning_effort`, for every other provider: `output_config.effort` when given; else a
 *   thinking budget as the nearest effort (up to 1024 tokens low, 4096 medium, 16384 high, more
 *   xhigh: the budgets the Anthropic provider gives those efforts); thinking disabled → "none";
 *   adaptive thinking without an effort leaves the model's default;
 * - `output_config.format` (a JSON schema) → `response_format` json_schema;
 * - any other `output_config` key → returned apart, for `anthropic.fields`.
 */
export interface ChatReasoning {
  fields: { thinking?: ThinkingSettings; reasoning_effort?: ReasoningEffort; response_format?: ChatRequest["response_format"] };
  /** output_config keys with no chat equivalent. */
  outputConfigRest: Record<string, unknown> | undefined;
}

const budgetEfforts: Array<[number, ReasoningEffort]> = [
  [1024, "low"],
  [4096, "medium"],
  [16384, "high"],
];

function effortOfThinking(thinking: ThinkingSettings | null | undefined): ReasoningEffort | undefined {
  if (thinking?.type === "disabled") return "none";
  if (thinking?.type !== "enabled") return undefined;
  return budgetEfforts.find(([budget]) => thinking.budget_tokens <= budget)?.[1] ?? "xhigh";
}

export function toChatReasoning(request: Pick<MessagesRequest, "thinking" | "output_config">): ChatReasoning {
  const { effort, format, ...rest } = request.output_config ?? {};
  const reasoningEffort = effort ?? effortOfThinking(request.thinking);
  const fields: ChatReasoning["fields"] = {};
  if (request.thinking) fields.thinking = request.thinking;
  if (reasoningEffort) fields.reasoning_effort = reasoningEffort;
  if (format) fields.response_format = { type: "json_schema", json_schema: { name: "output", schema: format.schema } };
  return { fields, outputConfigRest: Object.keys(rest).length > 0 ? rest : undefined };
}
