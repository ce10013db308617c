import { accessSync, constants, statSync } from "node:fs";
import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import type { LLMProvider, ProviderFactoryContext } from "../types";
import { createClaudeCliProvider } from "./claude-cli-provider";

/**
 * Active when CLAUDE_CLI_ENABLED (the default) and a `claude` executable is found: CLAUDE_CLI_PATH
 * when set, else `claude` on PATH. Its models are the catalog's `claude-cli` entries.
 */
export async function createClaudeCliProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  if (!config.claudeCli.enabled) return [];
  const path = findClaudeCli(config.claudeCli.path);
  if (!path) {
    if (config.claudeCli.path) context.logger.warn("CLAUDE_CLI_PATH is not an executable file; Claude CLI provider inactive", { path: config.claudeCli.path });
    else context.logger.debug("no `claude` on PATH; Claude CLI provider inactive");
    return [];
  }
  const models = catalog.forProvider("claude-cli").map((entry) => ({ id: entry.model, contextWindow: entry.contextWindow }));
  context.logger.info("Claude CLI detected", { path, models: models.length, poolSize: config.claudeCli.poolSize });
  return [
    createClaudeCliProvider({
      path,
      models,
      poolSize: config.claudeCli.poolSize,
      idleTimeoutMs: config.upstreamTimeoutMs,
      logger: context.logger,
    }),
  ];
}

export function findClaudeCli(configuredPath: string | undefined): string | undefined {
  if (!configuredPath) return Bun.which("claude") ?? undefined;
  try {
    accessSync(configuredPath, constants.X_OK);
    return statSync(configuredPath).isFile() ? configuredPath : undefined;
  } catch {
    return undefined;
  }
}
