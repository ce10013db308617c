import type { ChatRequest, ChatTool } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import type { Logger } from "../../logger";
import type { ResponsesTool, ResponsesToolChoice } from "./responses-request-schema";
import { requireName } from "./name-check";
import { type ClientTool, ToolNames, internalToolName } from "./tool-names";

/**
 * Responses `tools` and `tool_choice` as chat tools. Function tools map one to one; the function
 * and custom tools inside a `namespace` are flattened (tool-names.ts); a `custom` tool becomes a
 * function taking one string, `input` (its grammar, if any, goes into the description).
 *
 * Hosted tools (web_search, file_search, code_interpreter, computer use, image generation, MCP,
 * ...) run on OpenAI's servers, which the proxy is not. They are dropped, with a debug line, where
 * the request leaves the model free not to use them: `tool_choice` absent, "auto" or "none", or
 * "required" with a function tool left to call. Codex sends `web_search` so on every request. A
 * request that forces one (tool_choice naming it, or "required" / allowed_tools with nothing but
 * hosted tools) is a 400 naming the tool: the answer it expects cannot be given.
 */
export interface ChatTools {
  tools?: ChatTool[];
  tool_choice?: ChatRequest["tool_choice"];
  names: ToolNames;
}

type ChatToolChoice = NonNullable<ChatRequest["tool_choice"]>;

const record = (value: unknown): Record<string, unknown> => (value && typeof value === "object" ? (value as Record<string, unknown>) : {});

function customDescription(tool: Record<string, unknown>): string | undefined {
  const format = record(tool.format);
  const description = typeof tool.description === "string" ? tool.description : undefined;
  if (format.type !== "grammar" || typeof format.definition !== "string") return description;
  const grammar = `The input must match this ${String(format.syntax ?? "")} grammar:\n${format.definition}`;
  return description ? `${description}\n\n${grammar}` : grammar;
}

function toChatTool(tool: Record<string, unknown>, client: ClientTool, names: ToolNames, param: string): ChatTool {
  requireName(tool, "name", param);
  const name = names.register(client, param);
  if (client.kind === "custom") {
    const description = customDescription(tool);
    return {
      type: "function",
      function: {
        name,
        ...(description ? { description } : {}),
        parameters: { type: "object", properties: { input: { type: "string", description: "The tool's free-form input." } }, required: ["input"], additionalProperties: false },
      },
    };
  }
  const parameters = tool.parameters;
  if (parameters != null && (typeof parameters !== "object" || Array.isArray(parameters))) throw invalidRequest(`${param}.parameters must be a JSON schema object.`, `${param}.parameters`);
  return {
    type: "function",
    function: {
      name,
      ...(typeof tool.description === "string" ? { description: tool.description } : {}),
      ...(parameters ? { parameters: parameters as Record<string, unknown> } : {}),
      ...(typeof tool.strict === "boolean" ? { strict: tool.strict } : {}),
    },
  };
}

function collect(tools: readonly ResponsesTool[], names: ToolNames) {
  const functions: ChatTool[] = [];
  const hosted: string[] = [];
  for (const [index, tool] of tools.entries()) {
    const param = `tools[${index}]`;
    if (tool.type === "function" || tool.type === "custom") {
      functions.push(toChatTool(tool, { name: String(tool.name), kind: tool.type }, names, param));
    } else if (tool.type === "namespace") {
      const namespace = requireName(tool, "name", param);
      const inner = Array.isArray(tool.tools) ? tool.tools : [];
      for (const [innerIndex, entry] of inner.entries()) {
        const member = record(entry);
        const innerParam = `${param}.tools[${innerIndex}]`;
        if (member.type !== "function" && member.type !== "custom") throw invalidRequest(`${innerParam}.type must be 'function' or 'custom'.`, `${innerParam}.type`);
        functions.push(toChatTool(member, { name: String(member.name), namespace, kind: member.type }, names, innerParam));
      }
    } else {
      hosted.push(tool.type);
    }
  }
  return { functions, hosted };
}

function hostedToolError(type: string): never {
  throw invalidRequest(
    `The request requires the hosted tool '${type}', which runs on OpenAI's servers; this proxy can only offer function and custom tools to the model. Leave tool_choice on "auto" to have hosted tools ignored.`,
    "tool_choice",
    "unsupported_tool",
  );
}

function namedChoice(name: unknown, names: ToolNames, namespace?: unknown): ChatToolChoice {
  const internal = internalToolName(String(name ?? ""), typeof namespace === "string" ? namespace : undefined);
  if (!names.has(internal)) throw invalidRequest(`tool_choice names the tool '${internal}', which is not in tools.`, "tool_choice", "unknown_tool");
  return { type: "function", function: { name: internal } };
}

export function toChatTools(tools: readonly ResponsesTool[] | null | undefined, choice: ResponsesToolChoice | null | undefined, logger: Logger): ChatTools {
  const names = new ToolNames();
  const { functions, hosted } = collect(tools ?? [], names);
  let offered = functions;
  let toolChoice: ChatToolChoice | undefined;

  if (typeof choice === "string" || choice == null) {
    if (choice === "required" && functions.length === 0 && hosted.length > 0) hostedToolError(hosted[0]!);
    toolChoice = choice ?? undefined;
  } else if (choice.type === "function" || choice.type === "custom") {
    toolChoice = namedChoice(choice.name, names, choice.namespace);
  } else if (choice.type === "allowed_tools") {
    const allowed = (Array.isArray(choice.tools) ? choice.tools : []).map(record);
    const allowedNames = new Set(allowed.filter((entry) => entry.type === "function" || entry.type === "custom").map((entry) => internalToolName(String(entry.name), entry.namespace as string | undefined)));
    offered = functions.filter((tool) => allowedNames.has(tool.function.name));
    const mode = choice.mode === "required" ? "required" : "auto";
    const allowedHosted = allowed.filter((entry) => entry.type !== "function" && entry.type !== "custom");
    if (mode === "required" && offered.length === 0 && allowedHosted.length > 0) hostedToolError(String(allowedHosted[0]!.type));
    toolChoice = mode;
  } else {
    hostedToolError(choice.type);
  }

  if (hosted.length > 0) logger.debug("dropped hosted tools the proxy cannot run; the request left the model free not to use them", { tools: hosted });
  return { names, ...(offered.length > 0 ? { tools: offered } : {}), ...(toolChoice && offered.length > 0 ? { tool_choice: toolChoice } : {}) };
}
