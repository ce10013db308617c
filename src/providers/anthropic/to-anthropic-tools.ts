import type { Tool, ToolChoice, ToolUnion } from "@anthropic-ai/sdk/resources/messages";
import { withCacheControl } from "../../chat/cache-control";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import type { AnthropicModelRules } from "./anthropic-model-rules";

/**
 * OpenAI `tools` / `tool_choice` / `parallel_tool_calls` → Anthropic `tools` / `tool_choice`.
 * auto → auto, none → none, required → any, a named function → tool; `parallel_tool_calls: false`
 * → `disable_parallel_tool_use: true` (on an `auto` choice when the client named none).
 * A function's `parameters` become `input_schema`, which Anthropic wants to be an object schema;
 * a tool's `cache_control` and its Anthropic-only keys (`anthropic` on the tool: `defer_loading`,
 * `input_examples`, …) are put back on it, and the request's server tools (`anthropic.server_tools`)
 * follow the function tools, as the client defined them.
 *
 * A model that rejects forced tool use (its rules row; Opus 5.5, Sonnet 5.5 and Fable 5.1 answer
 * any/tool with a 400 on every request) gets `auto` instead, with a log line. The request stays
 * servable and loses little: the model still sees every tool and the conversation that calls for
 * one, so it usually calls it; a client that needs a call already checks for finish_reason
 * "tool_calls". Failing the request would only move it to another model or fail it outright, and
 * offering just the named tool would hide tools the history may use.
 */
export interface AnthropicToolFields {
  tools?: ToolUnion[];
  tool_choice?: ToolChoice;
}

export interface ToolContext {
  model: string;
  rules: AnthropicModelRules;
}

export function toAnthropicTools(request: ChatRequest, { model, rules }: ToolContext, logger: Logger): AnthropicToolFields {
  const tools = request.tools ?? [];
  const serverTools = (request.anthropic?.server_tools ?? []) as unknown as ToolUnion[];
  if (tools.length === 0 && serverTools.length === 0) {
    if (request.tool_choice != null || request.parallel_tool_calls != null) {
      logger.debug("dropped tool_choice/parallel_tool_calls: the request offers no tools");
    }
    return {};
  }
  const fields: AnthropicToolFields = {
    tools: [
      ...tools.map(
        ({ function: fn, cache_control, anthropic }): Tool => ({
          ...anthropic,
          name: fn.name,
          ...(fn.description ? { description: fn.description } : {}),
          input_schema: fn.parameters ? { ...fn.parameters, type: "object" } : { type: "object", properties: {} },
          ...(fn.strict === true ? { strict: true } : {}),
          ...withCacheControl(cache_control),
        }),
      ),
      ...serverTools,
    ],
  };
  const disableParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  const choice = request.tool_choice;
  if (choice === "none") fields.tool_choice = { type: "none" };
  else if (choice === "required") fields.tool_choice = { type: "any", ...disableParallel };
  else if (typeof choice === "object" && choice !== null) fields.tool_choice = { type: "tool", name: choice.function.name, ...disableParallel };
  else if (choice === "auto" || request.parallel_tool_calls === false) fields.tool_choice = { type: "auto", ...disableParallel };
  const forced = fields.tool_choice?.type === "any" || fields.tool_choice?.type === "tool";
  if (forced && !rules.forcedToolChoice) {
    logger.debug(`tool_choice relaxed to auto: ${rules.family} rejects forced tool use; the model still sees the tools`, { model, requested: fields.tool_choice });
    fields.tool_choice = { type: "auto", ...disableParallel };
  }
  return fields;
}
