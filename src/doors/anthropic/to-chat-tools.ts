import type { ChatRequest, ChatTool } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import type { AnthropicTool, AnthropicToolChoice } from "./messages-schema";

/**
 * Anthropic `tools` / `tool_choice` → chat `tools` / `tool_choice` / `parallel_tool_calls`:
 * - a client tool → a function tool (`input_schema` as its parameters, `strict` kept), its
 *   `cache_control` on the tool, and any other key of it (`defer_loading`, `input_examples`,
 *   `type: "custom"`, …) under the tool's `anthropic`, for the Anthropic provider to put back;
 * - a tool Anthropic runs itself (web search, code execution, …) → `server_tools`;
 * - auto → "auto", any → "required", tool → the named function, none → "none";
 *   `disable_parallel_tool_use: true` → `parallel_tool_calls: false`;
 * - a `tool` choice naming no tool in `tools` is a 400, as Anthropic answers it (and as the chat
 *   and Responses doors answer theirs), not a request sent on for an upstream to refuse.
 */
type ChatToolFields = Pick<ChatRequest, "tools" | "tool_choice" | "parallel_tool_calls">;

export interface ChatTools extends ChatToolFields {
  serverTools: Array<Record<string, unknown>>;
}

const mappedToolKeys = new Set(["name", "description", "input_schema", "cache_control", "strict"]);

function isClientTool(tool: AnthropicTool): tool is Extract<AnthropicTool, { input_schema: unknown }> {
  return tool.type == null || tool.type === "custom";
}

function functionTool(tool: Extract<AnthropicTool, { input_schema: unknown }>): ChatTool {
  const extras = Object.fromEntries(Object.entries(tool).filter(([key]) => !mappedToolKeys.has(key)));
  return {
    type: "function",
    function: {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: tool.input_schema,
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    },
    ...(tool.cache_control ? { cache_control: tool.cache_control } : {}),
    ...(Object.keys(extras).length > 0 ? { anthropic: extras } : {}),
  };
}

function toolChoice(choice: AnthropicToolChoice): ChatToolFields {
  const parallel = "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case "auto":
      return { tool_choice: "auto", ...parallel };
    case "any":
      return { tool_choice: "required", ...parallel };
    case "tool":
      return { tool_choice: { type: "function", function: { name: choice.name } }, ...parallel };
    case "none":
      return { tool_choice: "none" };
  }
}

export function toChatTools(tools: AnthropicTool[] | null | undefined, choice: AnthropicToolChoice | null | undefined): ChatTools {
  const clientTools: ChatTool[] = [];
  const serverTools: Array<Record<string, unknown>> = [];
  for (const tool of tools ?? []) {
    if (isClientTool(tool)) clientTools.push(functionTool(tool));
    else serverTools.push(tool);
  }
  if (choice?.type === "tool" && !(tools ?? []).some((tool) => tool.name === choice.name)) {
    throw invalidRequest(`tool_choice.name: the tool '${choice.name}' is not in tools.`, "tool_choice.name", "unknown_tool");
  }
  return { ...(clientTools.length > 0 ? { tools: clientTools } : {}), ...(choice ? toolChoice(choice) : {}), serverTools };
}
