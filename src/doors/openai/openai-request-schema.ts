import { z } from "zod";
import {
  type OpenAITools,
  allowedToolName,
  allowedToolsChoiceSchema,
  customToolChoiceSchema,
  customToolSchema,
} from "../../chat/openai-tools";
import { chatRequestSchema } from "../../chat/request-schema";
import { knownMessages } from "../../chat/known-messages";
import { knownRequest } from "../../chat/known-request";
import { knownTools } from "../../chat/known-tools";
import { withKnownFields } from "../with-known-fields";

/**
 * The chat door's request: the internal request schema, after OpenAI's tool kinds beyond function
 * tools (custom tools, an allowed_tools or custom tool_choice, custom tool calls in the history)
 * are lifted into the `openai_tools` extension (chat/openai-tools.ts). A request without them
 * passes through untouched.
 */
const toolKind = z.discriminatedUnion("type", [customToolSchema, z.looseObject({ type: z.literal("function") })], {
  error: 'must be a tool of type "function" or "custom"',
});

const openaiSide = z.looseObject({
  tools: z.array(toolKind).nullish(),
  tool_choice: z.unknown().optional(),
  messages: z.unknown().optional(),
});

type Side = z.infer<typeof openaiSide>;

export const openaiChatRequestSchema = openaiSide.transform(liftOpenAITools).pipe(chatRequestSchema);

/** The door's check: the schema's output and errors, the common turns and function tools built without zod. */
export const parseOpenAIChatRequest = withKnownFields(openaiChatRequestSchema, {
  messages: knownMessages,
  // An object tool_choice (allowed_tools, custom) is read together with the tools when they are lifted: the schema checks both.
  tools: (tools, body) => (typeof body.tool_choice === "object" && body.tool_choice !== null ? undefined : knownTools(tools)),
  placeholderTurns: [{ role: "user", content: "" }],
  // A request without OpenAI's other tool kinds (they make knownTools and knownMessages give up, and
  // an object tool_choice makes knownRequest give up) passes the lift unchanged: the internal schema's output.
  request: knownRequest,
});

/** Returns unknown: the internal schema after it checks everything. */
function liftOpenAITools(body: Side, context: z.RefinementCtx): unknown {
  const tools = body.tools ?? [];
  const custom = tools.filter((tool) => tool.type === "custom");
  const choice = readChoice(body.tool_choice);
  const named = namedFunction(body.tool_choice);
  // OpenAI refuses a named function that is not offered; so does every door of the proxy, before a call is spent.
  if (named !== undefined && !tools.some((tool) => tool.type !== "custom" && functionName(tool) === named)) {
    context.addIssue({ code: "custom", path: ["tool_choice", "function", "name"], message: `names the function '${named}', which is not in tools` });
    return body;
  }
  const messages = Array.isArray(body.messages) ? liftCustomCalls(body.messages) : body.messages;
  if (custom.length === 0 && !choice && messages === body.messages) return body;

  const extension: OpenAITools = {};
  if (custom.length > 0) extension.custom_tools = custom as OpenAITools["custom_tools"];
  let functions = tools.filter((tool) => tool.type !== "custom");
  let toolChoice = body.tool_choice;
  if (choice?.type === "allowed_tools") {
    const allowed = new Set(choice.allowed_tools.tools.map(allowedToolName));
    const withheld = functions.filter((tool) => !allowed.has(functionName(tool) ?? ""));
    functions = functions.filter((tool) => allowed.has(functionName(tool) ?? ""));
    if (functions.length === 0 && !custom.some((tool) => allowed.has(tool.custom.name))) {
      context.addIssue({ code: "custom", path: ["tool_choice", "allowed_tools", "tools"], message: "names no tool in tools" });
      return body;
    }
    if (withheld.length > 0) extension.withheld_tools = withheld;
    extension.tool_choice = choice;
    toolChoice = choice.allowed_tools.mode;
  } else if (choice?.type === "custom") {
    if (!custom.some((tool) => tool.custom.name === choice.custom.name)) {
      context.addIssue({ code: "custom", path: ["tool_choice", "custom", "name"], message: `names the custom tool '${choice.custom.name}', which is not in tools` });
      return body;
    }
    extension.tool_choice = choice;
    toolChoice = "required";
  }
  const lifted: Side = { ...body, messages, tool_choice: toolChoice, tools: functions.length > 0 || body.tools === undefined ? functions : undefined };
  if (Object.keys(extension).length > 0) lifted.openai_tools = extension;
  return lifted;
}

function readChoice(choice: unknown) {
  if (typeof choice !== "object" || choice === null) return undefined;
  const type = (choice as { type?: unknown }).type;
  if (type === "allowed_tools") return allowedToolsChoiceSchema.safeParse(choice).data;
  if (type === "custom") return customToolChoiceSchema.safeParse(choice).data;
  return undefined;
}

/** The name a `{type: "function", function: {name}}` tool_choice names, if it is one. */
function namedFunction(choice: unknown): string | undefined {
  if (typeof choice !== "object" || choice === null || (choice as { type?: unknown }).type !== "function") return undefined;
  return functionName(choice as Record<string, unknown>);
}

function functionName(tool: Record<string, unknown>): string | undefined {
  const fn = tool.function;
  return typeof fn === "object" && fn !== null && typeof (fn as { name?: unknown }).name === "string" ? (fn as { name: string }).name : undefined;
}

/**
 * An assistant turn's `{type: "custom", id, custom: {name, input}}` call becomes a function call
 * marked `openai_custom`, its input as the arguments: the history keeps its shape for every
 * provider, and OpenAI gets the custom call back. The messages array is copied only if one changes.
 */
function liftCustomCalls(messages: unknown[]): unknown[] {
  let changed = false;
  const lifted = messages.map((message) => {
    if (typeof message !== "object" || message === null) return message;
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    if (!Array.isArray(calls) || !calls.some(isCustomCall)) return message;
    changed = true;
    return {
      ...message,
      tool_calls: calls.map((call) =>
        isCustomCall(call) ? { id: call.id, type: "function", function: { name: call.custom.name, arguments: call.custom.input }, openai_custom: true } : call,
      ),
    };
  });
  return changed ? lifted : messages;
}

function isCustomCall(call: unknown): call is { id: unknown; custom: { name: unknown; input: unknown } } {
  if (typeof call !== "object" || call === null || (call as { type?: unknown }).type !== "custom") return false;
  const custom = (call as { custom?: unknown }).custom;
  return typeof custom === "object" && custom !== null;
}
