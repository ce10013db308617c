/**
 * Whether the CLI can answer at all, asked once at start-up with `claude auth status` (JSON on
 * stdout, exit code 0 when logged in, 1 when not; checked with 2.1.332). It counts a Claude login,
 * CLAUDE_CODE_OAUTH_TOKEN and an API key in the environment, and reports which one it uses. A CLI
 * that cannot say (an older one, a hang) is "unknown", and the provider starts anyway.
 */
export interface CliLogin {
  state: "logged-in" | "logged-out" | "unknown";
  /** claude.ai, oauth_token, api_key, …, as the CLI names it. */
  method?: string;
  /** firstParty, bedrock, vertex, … */
  apiProvider?: string;
  subscription?: string;
  /** Why the state is unknown. */
  detail?: string;
}

export interface LoginCheckOptions {
  path: string;
  env: Record<string, string>;
  cwd: string;
  timeoutMs?: number;
}

export async function checkCliLogin(options: LoginCheckOptions): Promise<CliLogin> {
  let child: ReturnType<typeof Bun.spawn<"ignore", "pipe", "ignore">>;
  try {
    child = Bun.spawn([options.path, "auth", "status", "--json"], { cwd: options.cwd, env: options.env, stdin: "ignore", stdout: "pipe", stderr: "ignore" });
  } catch (error) {
    return { state: "unknown", detail: error instanceof Error ? error.message : String(error) };
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 15_000);
  try {
    const [output, exitCode] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    const status = parseStatus(output);
    if (!status || typeof status.loggedIn !== "boolean") return { state: "unknown", detail: `\`claude auth status\` exited with ${exitCode} without a status` };
    return {
      state: status.loggedIn ? "logged-in" : "logged-out",
      method: typeof status.authMethod === "string" ? status.authMethod : undefined,
      apiProvider: typeof status.apiProvider === "string" ? status.apiProvider : undefined,
      subscription: typeof status.subscriptionType === "string" ? status.subscriptionType : undefined,
    };
  } finally {
    clearTimeout(timer);
  }
}

function parseStatus(output: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(output);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
