import { type ProxyProcess, startProxyProcess as startCommand } from "./command-process";

export type { ProxyProcess };

/**
 * The real entry point (`bun run src/index.ts`) as a child process, as a user starts it: its own
 * environment (nothing inherited but PATH), its own data dir, stderr captured. Resolves once the
 * "listening" line names the port it got.
 */
const entry = new URL("../../src/index.ts", import.meta.url).pathname;

export function startProxyProcess(options: { cwd: string; env: Record<string, string>; bunArguments?: string[] }): Promise<ProxyProcess> {
  return startCommand([process.execPath, "run", ...(options.bunArguments ?? []), entry], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: options.cwd,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      OLLAMA_ENABLED: "false",
      CLAUDE_CLI_ENABLED: "false",
      // Tests send the same request again and expect it to reach the upstream.
      CACHE_ENABLED: "false",
      ...options.env,
    },
  });
}
