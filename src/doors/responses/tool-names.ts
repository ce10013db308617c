import { invalidRequest } from "../../errors";

/**
 * The client's tools as the upstream sees them, and back. Responses tools can sit in a
 * `namespace` (Codex groups its sub-agent tools so) and can be `custom` (free-form text input
 * instead of JSON arguments); the internal representation has only flat function tools. A
 * namespaced tool is offered as `<namespace>__<name>` (a name every upstream accepts), and a call
 * of it is given back to the client under its own name and namespace, as the kind it declared.
 */
export interface ClientTool {
  name: string;
  namespace?: string;
  kind: "function" | "custom";
}

const SEPARATOR = "__";

export function internalToolName(name: string, namespace?: string | null): string {
  return namespace ? `${namespace}${SEPARATOR}${name}` : name;
}

export class ToolNames {
  private readonly tools = new Map<string, ClientTool>();

  /** Records a tool and returns the name the upstream sees; two tools with one name are a 400. */
  register(tool: ClientTool, param: string): string {
    const internal = internalToolName(tool.name, tool.namespace);
    if (this.tools.has(internal)) throw invalidRequest(`Two tools are named '${internal}'; tool names must be unique.`, param, "duplicate_tool_name");
    this.tools.set(internal, tool);
    return internal;
  }

  has(internal: string): boolean {
    return this.tools.has(internal);
  }

  /** The client's view of a tool the model called; a name the request never declared passes as a plain function. */
  clientTool(internal: string): ClientTool {
    return this.tools.get(internal) ?? { name: internal, kind: "function" };
  }
}
