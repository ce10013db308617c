import type { ClientToolManifest } from "./client-tool-server";
import type { UserBlock } from "./user-content";

/**
 * The command line and stdin lines of one `claude -p` run (flags checked against `claude --help`
 * and the binary's behaviour, 2.1.332). The CLI answers as a plain model: no built-in tools, no
 * MCP servers but the client's own tools (handed over on stdin, see client-tool-server.ts), no
 * user, project or local settings (so no hooks, no CLAUDE.md), no slash commands, one turn,
 * nothing saved to disk, and a tool call it cannot get permission for is denied without asking
 * anyone. Neither the prompt nor the system prompt ever goes on the command line: a single argument
 * over 128 KB fails to spawn (MAX_ARG_STRLEN), and argv is visible to every user in `ps`.
 *
 * Every run reads stream-json on stdin (a process may be started before its request arrives, see
 * cli-process-pool.ts): an `initialize` control request with the system prompt and the client's
 * tools, then one user message whose content blocks carry text, images and PDFs.
 */
export const runArguments = (model: string): string[] => [
  "-p",
  "--input-format", "stream-json",
  "--output-format", "stream-json",
  "--verbose",
  "--include-partial-messages",
  "--no-session-persistence",
  "--tools", "",
  "--max-turns", "1",
  "--strict-mcp-config",
  "--setting-sources", "",
  "--disable-slash-commands",
  "--permission-prompts", "none",
  "--model", model,
];

/** The MCP server name the client's tools are listed under; the model sees `mcp__client__<name>`. */
export const CLIENT_TOOL_SERVER = "client";

/**
 * Sets the run's system prompt (replacing Claude Code's own) and, when the client sent tools,
 * declares the in-process MCP server that lists them, with its handshake answers included so the
 * CLI needs no round trip to learn them (a CLI that ignores them asks over the control channel).
 */
export function initializeLine(systemPrompt: string, tools?: ClientToolManifest): string {
  const request: Record<string, unknown> = { subtype: "initialize", systemPrompt };
  if (tools) {
    request.sdkMcpServers = [CLIENT_TOOL_SERVER];
    request.sdkMcpServerManifests = { [CLIENT_TOOL_SERVER]: tools };
  }
  return `${JSON.stringify({ type: "control_request", request_id: crypto.randomUUID(), request })}\n`;
}

export function userLine(content: UserBlock[]): string {
  return `${JSON.stringify({ type: "user", message: { role: "user", content }, parent_tool_use_id: null, session_id: "" })}\n`;
}

/** How the CLI's requests are paid for (CLAUDE_CLI_BILLING). */
export type ClaudeCliBilling = "subscription" | "api";

/**
 * Credentials the proxy may hold for its own Anthropic provider. The CLI would prefer them to the
 * user's Claude login (checked: `claude auth status` reports `api_key` when both are there), so a
 * subscription-billed run never sees them.
 */
const apiCredentials = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"];

/**
 * The child's environment: the proxy's own (so the user's login, PATH and proxy settings apply),
 * plus switches that keep a headless run from updating itself or sending anything but the request,
 * that keep the client's tools whole (no deferred tool search, no 4 KB cut of long descriptions),
 * and, for subscription billing, without the API credentials.
 */
export function childEnvironment(base: Record<string, string | undefined>, billing: ClaudeCliBilling): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || (billing === "subscription" && apiCredentials.includes(name))) continue;
    environment[name] = value;
  }
  environment.DISABLE_AUTOUPDATER = "1";
  environment.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = "1";
  environment.ENABLE_TOOL_SEARCH = "false";
  environment.CLAUDE_CODE_MAX_MCP_DESCRIPTION_LENGTH = "1000000";
  return environment;
}
