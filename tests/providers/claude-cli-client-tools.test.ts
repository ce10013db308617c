import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { ClientToolNames } from "../../src/providers/claude-cli/client-tool-names";
import { planClientTools } from "../../src/providers/claude-cli/client-tool-plan";

/** The client's tools as the CLI's MCP server offers them: names both ways, the manifest, tool_choice. */
const tool = (name: string, parameters?: Record<string, unknown>) => ({ type: "function", function: { name, ...(parameters ? { parameters } : {}) } });
const plan = (body: Record<string, unknown>) => planClientTools(chatRequestSchema.parse({ model: "m", messages: [{ role: "user", content: "hi" }], ...body }));

describe("ClientToolNames", () => {
  test("safe names are kept; others get a safe, short, unique form; every name maps back", () => {
    const long = `a_${"b".repeat(60)}`;
    const names = new ClientToolNames(["read_file", "files.read", "files read", long, "ünï"], "client");
    expect(names.serverName("read_file")).toBe("read_file");
    expect(names.modelName("read_file")).toBe("mcp__client__read_file");
    const mapped = ["files.read", "files read", long, "ünï"].map((name) => names.serverName(name));
    expect(new Set(mapped).size).toBe(4);
    for (const [index, name] of ["files.read", "files read", long, "ünï"].entries()) {
      expect(mapped[index]).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(names.modelName(name).length).toBeLessThanOrEqual(64);
      expect(names.clientName(names.modelName(name))).toBe(name);
    }
  });

  test("a name the model made up loses the MCP prefix and is passed on", () => {
    const names = new ClientToolNames(["read_file"], "client");
    expect(names.clientName("mcp__client__delete_everything")).toBe("delete_everything");
    expect(names.clientName("Bash")).toBe("Bash");
  });
});

describe("planClientTools", () => {
  test("the manifest lists each tool once with its description and an object schema", () => {
    const planned = plan({ tools: [tool("read_file", { type: "object", properties: { path: { type: "string" } } }), tool("ping"), tool("read_file", { type: "object" })] })!;
    expect(planned.server.manifest.toolsListResult.tools).toEqual([
      { name: "read_file", description: "", inputSchema: { type: "object", properties: { path: { type: "string" } } } },
      { name: "ping", description: "", inputSchema: { type: "object", properties: {} } },
    ]);
    expect(planned.modelNames).toEqual(["mcp__client__read_file", "mcp__client__ping"]);
    expect(planned.instructions).toEqual([]);
  });

  test("no tools, or tool_choice none: nothing is offered", () => {
    expect(plan({})).toBeUndefined();
    expect(plan({ tools: [tool("a")], tool_choice: "none" })).toBeUndefined();
  });

  test("a named tool_choice that is not among the tools is a 400", () => {
    expect(() => plan({ tools: [tool("a")], tool_choice: { type: "function", function: { name: "b" } } })).toThrow(/tool_choice names the function 'b'/);
  });

  test("the server answers the MCP handshake and never runs a tool", () => {
    const calls: string[] = [];
    const planned = planClientTools(chatRequestSchema.parse({ model: "m", messages: [{ role: "user", content: "hi" }], tools: [tool("a")] }), (name) => calls.push(name))!;
    expect(planned.server.handle({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18" } })).toMatchObject({ id: 0, result: { protocolVersion: "2025-06-18", capabilities: { tools: {} } } });
    expect(planned.server.handle({ jsonrpc: "2.0", method: "notifications/initialized" })).toEqual({ jsonrpc: "2.0", id: 0, result: {} });
    expect(planned.server.handle({ jsonrpc: "2.0", id: 1, method: "tools/list" })).toEqual({ jsonrpc: "2.0", id: 1, result: planned.server.manifest.toolsListResult });
    expect(planned.server.handle({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "a", arguments: {} } })).toMatchObject({ id: 2, result: { isError: true } });
    expect(calls).toEqual(["a"]);
    expect(planned.server.handle({ jsonrpc: "2.0", id: 3, method: "resources/list" })).toMatchObject({ id: 3, error: { code: -32601 } });
  });
});
