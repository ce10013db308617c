import { accessSync, constants, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, sep } from "node:path";
import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import type { LLMProvider, ProviderFactoryContext } from "../types";
import { childEnvironment } from "./cli-arguments";
import { createClaudeCliProvider } from "./claude-cli-provider";
import { checkCliLogin } from "./cli-login-check";

/**
 * Active when CLAUDE_CLI_ENABLED (the default), a `claude` executable is found (CLAUDE_CLI_PATH
 * when set, else `claude` on PATH) and it can answer: logged in, or an API key in its environment.
 * Its models are the catalog's `claude-cli` entries.
 */
export async function createClaudeCliProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  const { logger } = context;
  if (!config.claudeCli.enabled) return [];
  const path = findClaudeCli(config.claudeCli.path);
  if (!path) {
    if (config.claudeCli.path) logger.warn("CLAUDE_CLI_PATH is not an executable file; Claude CLI provider inactive", { path: config.claudeCli.path });
    else logger.debug("no `claude` on PATH; Claude CLI provider inactive");
    context.noteInactive?.("claude-cli", config.claudeCli.path ? `CLAUDE_CLI_PATH (${config.claudeCli.path}) is not an executable file.` : "No `claude` on PATH: install the Claude CLI and log in to use a Claude subscription.");
    return [];
  }
  const billing = config.claudeCli.billing;
  const login = await checkCliLogin({ path, env: childEnvironment(process.env, billing), cwd: tmpdir() });
  if (login.state === "logged-out") {
    const keyHint = billing === "subscription" && process.env.ANTHROPIC_API_KEY ? " (or set CLAUDE_CLI_BILLING=api to let it use ANTHROPIC_API_KEY)" : "";
    logger.warn(`Claude CLI found at ${path} but not logged in: run \`claude\` and /login${keyHint}, then restart the proxy. Claude CLI provider inactive.`, { path });
    context.noteInactive?.("claude-cli", `Found at ${path} but not logged in: run \`claude\` and /login${keyHint}, then restart the proxy (CLAUDE_CLI_ENABLED=false hides this).`);
    return [];
  }
  if (login.state === "unknown") logger.warn("could not ask the Claude CLI whether it is logged in; starting it anyway", { path, detail: login.detail });
  // A Console login or a cloud provider is billed per token: the log would show $0 for real spending.
  if (billing === "subscription" && login.state === "logged-in" && (login.method === "api_key" || (login.apiProvider ?? "firstParty") !== "firstParty")) {
    logger.warn("the Claude CLI is billed per token (not by a Claude subscription); set CLAUDE_CLI_BILLING=api so its requests are priced", { method: login.method, apiProvider: login.apiProvider });
  }
  const models = catalog.forProvider("claude-cli").map((entry) => ({ id: entry.model, contextWindow: entry.contextWindow }));
  logger.info("Claude CLI detected", { path, models: models.length, poolSize: config.claudeCli.poolSize, billing, login: login.method, subscription: login.subscription });
  return [
    createClaudeCliProvider({
      path,
      models,
      poolSize: config.claudeCli.poolSize,
      idleTimeoutMs: config.upstreamTimeoutMs,
      logger,
      billing,
    }),
  ];
}

/**
 * CLAUDE_CLI_PATH when it is an executable file; else the first `claude` on PATH, preferring one
 * the user installed over a `node_modules/.bin` one (`bun run` puts this project's, a dev
 * dependency, first on PATH).
 */
export function findClaudeCli(configuredPath: string | undefined, path: string = process.env.PATH ?? ""): string | undefined {
  if (!configuredPath) {
    const entries = path.split(delimiter).filter((entry) => entry !== "");
    const installed = entries.filter((entry) => !entry.replace(/[\\/]+$/, "").endsWith(`node_modules${sep}.bin`));
    const found = installed.length > 0 ? Bun.which("claude", { PATH: installed.join(delimiter) }) : null;
    return found ?? (entries.length > 0 ? Bun.which("claude", { PATH: entries.join(delimiter) }) : null) ?? undefined;
  }
  try {
    accessSync(configuredPath, constants.X_OK);
    return statSync(configuredPath).isFile() ? configuredPath : undefined;
  } catch {
    return undefined;
  }
}
