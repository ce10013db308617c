import type { Subprocess } from "bun";

const root = new URL("../..", import.meta.url).pathname;

/**
 * `bun run --silent start` from the repository, in memory (DATA_DIR=memory://, any port, OpenAI as
 * the only provider, with `openaiKey`), with `preload` loaded first (BUN_OPTIONS=--preload=…) to
 * inject what no configuration produces; `settings` add to or replace that environment.
 */
export function startWithPreload(preload: string, home: string, openaiKey: string, settings: Record<string, string> = {}): Subprocess<"ignore", "pipe", "pipe"> {
  return Bun.spawn([process.execPath, "run", "--silent", "start"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: "memory://",
      OLLAMA_ENABLED: "false",
      CLAUDE_CLI_ENABLED: "false",
      OPENAI_API_KEY: openaiKey,
      BUN_OPTIONS: `--preload=${preload}`,
      ...settings,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
}
