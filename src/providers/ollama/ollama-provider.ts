import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import { createOpenAICompatibleProvider } from "../openai-compatible/openai-compatible-provider";
import type { LLMProvider, ProviderFactoryContext, ProviderModel } from "../types";
import { readOllamaModels, sameModels } from "./ollama-models";

/**
 * Ollama, found by a short probe of OLLAMA_BASE_URL; its models are whatever the server has
 * pulled, each with what it can do (ollama-models.ts), read again every OLLAMA_REFRESH_MS
 * (ollama-watch.ts), and it is spoken to through its OpenAI-compatible `/v1`.
 */
export async function createOllamaProviders(config: Config, _catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  if (!config.ollama.enabled) return [];
  const fetcher = context.fetch ?? fetch;
  const baseUrl = ollamaBaseUrl(config);
  let models: ProviderModel[];
  try {
    models = await readOllamaModels(baseUrl, config.ollama.probeTimeoutMs, fetcher);
  } catch {
    context.logger.debug("Ollama not reachable; provider inactive", { baseUrl });
    return [];
  }
  context.logger.info("Ollama detected", { baseUrl, models: models.length });
  const provider = createOpenAICompatibleProvider({
    id: "ollama",
    displayName: "Ollama",
    baseUrl: `${baseUrl}/v1`,
    apiKey: "ollama",
    capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true },
    // The user's own hardware: a request costs nothing.
    billing: "flat",
    maxTokensField: "max_tokens",
    listModels: async () => models,
    logger: context.logger,
    fetch: context.fetch,
  });
  const refreshModels = async (): Promise<boolean> => {
    const read = await readOllamaModels(baseUrl, config.ollama.probeTimeoutMs, fetcher);
    if (sameModels(read, models)) return false;
    models = read;
    return true;
  };
  return [{ ...provider, refreshModels }];
}

export function ollamaBaseUrl(config: Config): string {
  return config.ollama.baseUrl.replace(/\/+$/, "");
}
