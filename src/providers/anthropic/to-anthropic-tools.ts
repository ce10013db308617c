import type { Tool, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";

/**
 * OpenAI `tools` / `tool_choice` / `parallel_tool_calls` → Anthropic `tools` / `tool_choice`.
 * auto → auto, none → none, required → any, a named function → tool; `parallel_tool_calls: false`
 * → `disable_parallel_tool_use: true` (on an `auto` choice when the client named none).
 * A function's `parameters` become `input_schema`, which Anthropic wants to be an object schema.
 */
export interface AnthropicToolFields {
  tools?: Tool[];
  tool_choice?: ToolChoice;
}

export function toAnthropicTools(request: ChatRequest, logger: Logger): AnthropicToolFields {
  const tools = request.tools ?? [];
  if (tools.length === 0) {
    if (request.tool_choice != null || request.parallel_tool_calls != null) {
      logger.debug("dropped tool_choice/parallel_tool_calls: the request offers no tools");
    }
    return {};
  }
  const fields: AnthropicToolFields = {
    tools: tools.map(({ function: fn }) => ({
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      input_schema: fn.parameters ? { ...fn.parameters, type: "object" } : { type: "object", properties: {} },
      ...(fn.strict === true ? { strict: true } : {}),
    })),
  };
  const disableParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  const choice = request.tool_choice;
  if (choice === "none") fields.tool_choice = { type: "none" };
  else if (choice === "required") fields.tool_choice = { type: "any", ...disableParallel };
  else if (typeof choice === "object" && choice !== null) fields.tool_choice = { type: "tool", name: choice.function.name, ...disableParallel };
  else if (choice === "auto" || request.parallel_tool_calls === false) fields.tool_choice = { type: "auto", ...disableParallel };
  return fields;
}
