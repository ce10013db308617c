import type { ChatRequest } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import { CLIENT_TOOL_SERVER } from "./cli-arguments";
import { ClientToolNames } from "./client-tool-names";
import { ClientToolServer } from "./client-tool-server";

/**
 * What one run offers of the client's tools, and how `tool_choice` and `parallel_tool_calls` are
 * kept, since the CLI has no switch for either:
 * - `none`: the tools are not offered (earlier calls in the history are still rendered);
 * - `required`: all are offered, the system prompt says a call is required, and an answer without
 *   one is refused (tool-choice-check.ts), so the router can try a model that obeys;
 * - a named function: only that tool is offered, with the same instruction and check;
 * - `parallel_tool_calls: false`: the system prompt asks for one call, and calls after the first
 *   are dropped.
 */
export type RequiredCall = { kind: "any" } | { kind: "named"; name: string };

export interface ClientToolPlan {
  names: ClientToolNames;
  server: ClientToolServer;
  /** The offered tools as the model sees them (`mcp__client__…`). */
  modelNames: string[];
  /** Sentences appended to the system prompt. */
  instructions: string[];
  required: RequiredCall | undefined;
  atMostOne: boolean;
}

export function planClientTools(request: ChatRequest, onToolCall?: (name: string) => void): ClientToolPlan | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === "none") return undefined;

  // A name listed twice is one tool (the first definition), as an MCP server must list it.
  let offered = tools.filter((tool, index) => tools.findIndex((other) => other.function.name === tool.function.name) === index);
  let required: RequiredCall | undefined;
  if (typeof choice === "object" && choice !== null) {
    const name = choice.function.name;
    offered = offered.filter((tool) => tool.function.name === name);
    if (offered.length === 0) throw invalidRequest(`tool_choice names the function '${name}', which is not in tools.`, "tool_choice");
    required = { kind: "named", name };
  } else if (choice === "required") {
    required = { kind: "any" };
  }

  const names = new ClientToolNames(
    offered.map((tool) => tool.function.name),
    CLIENT_TOOL_SERVER,
  );
  const atMostOne = request.parallel_tool_calls === false;
  const instructions: string[] = [];
  if (required?.kind === "named") instructions.push(`In this reply you must call the tool ${names.modelName(required.name)}.`);
  if (required?.kind === "any") instructions.push("In this reply you must call at least one of your tools.");
  if (atMostOne) instructions.push("Call at most one tool in this reply.");
  const modelNames = offered.map((tool) => names.modelName(tool.function.name));
  return { names, server: new ClientToolServer(offered, names, onToolCall), modelNames, instructions, required, atMostOne };
}

/** The run's system prompt: the client's, then the tool instructions. */
export function withToolInstructions(systemPrompt: string, plan: ClientToolPlan | undefined): string {
  if (!plan || plan.instructions.length === 0) return systemPrompt;
  return [systemPrompt, plan.instructions.join(" ")].filter((part) => part !== "").join("\n\n");
}
