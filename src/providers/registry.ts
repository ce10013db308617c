import type { Config } from "../config";
import type { ModelCatalog } from "../routing/model-catalog";
import { createAnthropicProviders } from "./anthropic/anthropic-provider";
import { createClaudeCliProviders } from "./claude-cli/create-claude-cli-providers";
import { createCustomProviders } from "./custom/custom-providers";
import { createGeminiProviders } from "./gemini/gemini-provider";
import { createOllamaProviders } from "./ollama/ollama-provider";
import { createOpenAIProviders } from "./openai/openai-provider";
import type { LLMProvider, ProviderFactoryContext } from "./types";

/**
 * The one list of providers. Each factory returns its active providers (none when it has no
 * credentials or its server is not reachable). Adding a provider is one folder and one line here.
 */
export type ProviderFactory = (config: Config, catalog: ModelCatalog, context: ProviderFactoryContext) => Promise<LLMProvider[]>;

export const providerFactories: ProviderFactory[] = [
  createOpenAIProviders,
  createAnthropicProviders,
  createClaudeCliProviders,
  createGeminiProviders,
  createOllamaProviders,
  createCustomProviders,
];

export async function createProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  const lists = await Promise.all(providerFactories.map((factory) => factory(config, catalog, context)));
  return lists.flat();
}
