/**
 * The command line and stdin lines of one `claude -p` run (flags checked against `claude --help`
 * of 2.1.332). The CLI answers as a plain model: no built-in tools, no MCP servers, no user,
 * project or local settings (so no hooks, no CLAUDE.md), no slash commands, one turn, nothing
 * saved to disk. Neither the prompt nor the system prompt ever goes on the command line: a single
 * argument over 128 KB fails to spawn (MAX_ARG_STRLEN), and argv is visible to every user in `ps`.
 */
const commonFlags = [
  "-p",
  "--output-format", "stream-json",
  "--verbose",
  "--include-partial-messages",
  "--no-session-persistence",
  "--tools", "",
  "--max-turns", "1",
  "--strict-mcp-config",
  "--setting-sources", "",
  "--disable-slash-commands",
];

/** A run started for one request: the system prompt from a private file, the prompt as plain text on stdin. */
export function coldArguments(model: string, systemPromptFile: string): string[] {
  return [...commonFlags, "--model", model, "--system-prompt-file", systemPromptFile];
}

/**
 * A run started ahead of its request: it waits for stream-json lines on stdin, the first of which
 * (`initializeLine`) sets the request's system prompt, the second (`userLine`) carries the prompt.
 */
export function pooledArguments(model: string): string[] {
  return [...commonFlags, "--input-format", "stream-json", "--model", model];
}

export function initializeLine(systemPrompt: string): string {
  return `${JSON.stringify({ type: "control_request", request_id: crypto.randomUUID(), request: { subtype: "initialize", systemPrompt } })}\n`;
}

export function userLine(prompt: string): string {
  return `${JSON.stringify({ type: "user", message: { role: "user", content: prompt }, parent_tool_use_id: null, session_id: "" })}\n`;
}

/**
 * The child's environment: the proxy's own (so the user's login, PATH and proxy settings apply),
 * plus switches that keep a headless run from updating itself or sending anything but the request.
 */
export function childEnvironment(base: Record<string, string | undefined>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) environment[name] = value;
  environment.DISABLE_AUTOUPDATER = "1";
  environment.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = "1";
  return environment;
}
