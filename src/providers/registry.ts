import type { Config } from "../config";
import type { ModelCatalog } from "../catalog/model-catalog";
import type { LLMProvider, ProviderFactoryContext } from "./types";

/**
 * The one list of providers. Each entry says whether the user configured it (cheap, no I/O) and
 * loads its folder only then, so a user with one provider does not pay for the others' SDKs in
 * start-up time and memory. The factory returns the active providers (none when its server is
 * not reachable). Adding a provider is one folder and one entry here.
 */
export type ProviderFactory = (config: Config, catalog: ModelCatalog, context: ProviderFactoryContext) => Promise<LLMProvider[]>;

export interface ProviderEntry {
  id: string;
  configured(config: Config): boolean;
  load(): Promise<ProviderFactory>;
}

export const providerRegistry: ProviderEntry[] = [
  { id: "openai", configured: (config) => Boolean(config.openai.apiKey), load: async () => (await import("./openai/openai-provider")).createOpenAIProviders },
  { id: "anthropic", configured: (config) => Boolean(config.anthropic.apiKey), load: async () => (await import("./anthropic/anthropic-provider")).createAnthropicProviders },
  { id: "claude-cli", configured: (config) => config.claudeCli.enabled, load: async () => (await import("./claude-cli/create-claude-cli-providers")).createClaudeCliProviders },
  { id: "gemini", configured: (config) => Boolean(config.gemini.apiKey), load: async () => (await import("./gemini/gemini-provider")).createGeminiProviders },
  { id: "ollama", configured: (config) => config.ollama.enabled, load: async () => (await import("./ollama/ollama-provider")).createOllamaProviders },
  { id: "custom", configured: (config) => config.customProviders.length > 0, load: async () => (await import("./custom/custom-providers")).createCustomProviders },
];

export async function createProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  const configured = providerRegistry.filter((entry) => entry.configured(config));
  const lists = await Promise.all(configured.map(async (entry) => (await entry.load())(config, catalog, context)));
  return lists.flat();
}
