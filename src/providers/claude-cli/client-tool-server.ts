import type { ChatTool } from "../../chat/request-schema";
import type { ClientToolNames } from "./client-tool-names";

/**
 * The client's tools as an MCP server that lives inside the proxy for one CLI run. The CLI hosts
 * it as an "SDK" MCP server: its messages travel over the run's own stdin and stdout (a
 * `control_request` of subtype `mcp_message`, answered with a `control_response`), so there is no
 * port to find and nothing another process could reach; it exists only while that run does.
 *
 * It answers `initialize`, `notifications/initialized`, `ping` and `tools/list` (the client's names,
 * descriptions and JSON schemas). It never runs a tool: the CLI denies every call for want of a
 * permission before it would ask, and the run is ended when the model's message ends with
 * `stop_reason: tool_use`, so `tools/call` is answered with an error should it ever come.
 * The same answers go into the run's `initialize` request as a manifest, so the CLI does not need
 * to ask at all (checked with 2.1.332).
 */
export interface McpTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ClientToolManifest {
  initializeResult: { protocolVersion: string; capabilities: { tools: Record<string, never> }; serverInfo: { name: string; version: string } };
  toolsListResult: { tools: McpTool[] };
}

interface JsonRpcMessage {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: { protocolVersion?: unknown };
}

export type JsonRpcResponse = { jsonrpc: "2.0"; id: unknown; result: unknown } | { jsonrpc: "2.0"; id: unknown; error: { code: number; message: string } };

/** Newest first; the CLI's requested version is echoed when it is one of these. */
const protocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

export class ClientToolServer {
  readonly manifest: ClientToolManifest;

  constructor(
    tools: readonly ChatTool[],
    names: ClientToolNames,
    private readonly onToolCall: (name: string) => void = () => {},
  ) {
    this.manifest = {
      initializeResult: { protocolVersion: protocolVersions[0]!, capabilities: { tools: {} }, serverInfo: { name: "claude-proxy-client-tools", version: "1" } },
      toolsListResult: {
        tools: tools.map((tool) => ({
          name: names.serverName(tool.function.name),
          description: tool.function.description ?? "",
          inputSchema: objectSchema(tool.function.parameters),
        })),
      },
    };
  }

  /** The answer to one JSON-RPC message; a notification gets an empty result, as the CLI's control channel expects. */
  handle(raw: unknown): JsonRpcResponse {
    const message = (typeof raw === "object" && raw !== null ? raw : {}) as JsonRpcMessage;
    const id = message.id ?? null;
    const result = (value: unknown): JsonRpcResponse => ({ jsonrpc: "2.0", id, result: value });
    switch (message.method) {
      case "initialize": {
        const asked = message.params?.protocolVersion;
        const protocolVersion = typeof asked === "string" && protocolVersions.includes(asked) ? asked : protocolVersions[0]!;
        return result({ ...this.manifest.initializeResult, protocolVersion });
      }
      case "tools/list":
        return result(this.manifest.toolsListResult);
      case "tools/call": {
        const name = (message.params as { name?: unknown } | undefined)?.name;
        this.onToolCall(typeof name === "string" ? name : "(unnamed)");
        return result({ content: [{ type: "text", text: "This tool runs in the client, which calls it after this turn; it was not run here." }], isError: true });
      }
      case "ping":
        return result({});
      default:
        if (message.id === undefined) return { jsonrpc: "2.0", id: 0, result: {} };
        return { jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${String(message.method)}` } };
    }
  }
}

/** MCP wants an object schema; a tool without parameters takes none. */
function objectSchema(parameters: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!parameters) return { type: "object", properties: {} };
  return parameters.type === undefined ? { type: "object", ...parameters } : parameters;
}
