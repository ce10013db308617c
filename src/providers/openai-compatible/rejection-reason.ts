import { needsCustomTools } from "../../chat/openai-tools";
import type { ChatRequest } from "../../chat/request-schema";
import type { ModelWireRules } from "./model-wire-rules";

/**
 * Why an OpenAI-wire model would answer this request with a 400, judged from its wire rules
 * (e.g. a model that takes function tools on Chat Completions only at reasoning_effort "none").
 * The router skips such a model instead of sending a request bound to fail.
 */
export function wireRulesRejection(request: ChatRequest, model: string, rules: ModelWireRules | undefined): string | undefined {
  if (!rules) return undefined;
  if (rules.toolsOnResponsesApi && needsCustomTools(request.openai_tools)) return `${model} takes tools on the Responses API only, where the proxy does not send custom tools`;
  const wantsTools = Boolean(request.tools?.length) && request.tool_choice !== "none";
  if (!wantsTools || rules.toolsOnResponsesApi) return undefined;
  if (rules.functionTools === "never") return `${model} takes no function tools on Chat Completions`;
  const effort = typeof request.reasoning_effort === "string" ? request.reasoning_effort : undefined;
  if (rules.functionTools === "effort-none" && effort !== undefined && effort !== "none") {
    return `${model} takes function tools only with reasoning_effort "none" (the request asks for "${effort}")`;
  }
  return undefined;
}
