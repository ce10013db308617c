import { readFileSync } from "node:fs";
import { parseArgs, parseEnv } from "node:util";
import packageJson from "../package.json" with { type: "json" };

/**
 * The command line of `bun run start -- …` and of the compiled executable. Flags are another way to
 * set the variables config.ts reads: each one names its variable, and a flag wins over `--env-file`,
 * which wins over the environment and `.env`.
 */
const flagVariables = {
  port: "PORT",
  host: "HOST",
  "data-dir": "DATA_DIR",
  "database-url": "DATABASE_URL",
} as const;

export const version: string = packageJson.version;

export const helpText = `claude-proxy ${version}: a local OpenAI-, Anthropic- and Responses-compatible LLM gateway

Usage: claude-proxy [options]

Options:
  --port <number>        port to listen on (PORT, default 3000)
  --host <address>       address to bind (HOST, default 127.0.0.1)
  --data-dir <path>      where the embedded database keeps its files (DATA_DIR, default ./data)
  --database-url <url>   use a PostgreSQL server instead (DATABASE_URL, postgres://…)
  --env-file <path>      read variables from this file; they override .env and the environment
  -h, --help             show this help and exit
  -v, --version          print the version and exit

Every other setting is an environment variable (or a line in .env in the working directory):
provider keys (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, CUSTOM_PROVIDERS, …), LOG_LEVEL,
LOG_RETENTION_DAYS, PROXY_API_KEY and the rest; see .env.example and the README.
Endpoints: /v1 (the API), /dashboard, /health, /ready, /metrics.`;

export type CommandLine =
  | { action: "help" }
  | { action: "version" }
  | { action: "run"; environment: Record<string, string | undefined> }
  | { action: "fail"; message: string };

/** Parses the arguments into the environment config.ts should read; never exits by itself. */
export function parseCommandLine(argv: string[], environment: Record<string, string | undefined>): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        "database-url": { type: "string" },
        "env-file": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    return { action: "fail", message: `${(error as Error).message}\nRun with --help to see the options.` };
  }
  const { values } = parsed;
  if (values.help) return { action: "help" };
  if (values.version) return { action: "version" };
  const merged = { ...environment };
  if (values["env-file"] !== undefined) {
    let text: string;
    try {
      text = readFileSync(values["env-file"], "utf8");
    } catch (error) {
      return { action: "fail", message: `--env-file: cannot read ${values["env-file"]} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
    }
    Object.assign(merged, parseEnv(text));
  }
  for (const [flag, variable] of Object.entries(flagVariables)) {
    const value = values[flag as keyof typeof flagVariables];
    if (value !== undefined) merged[variable] = value;
  }
  return { action: "run", environment: merged };
}
