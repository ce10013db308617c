import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import { createOpenAICompatibleProvider } from "../openai-compatible/openai-compatible-provider";
import type { LLMProvider, ProviderFactoryContext } from "../types";

/** One provider per CUSTOM_PROVIDERS entry: any OpenAI-compatible endpoint (vLLM, LM Studio, OpenRouter, Together, …). */
export async function createCustomProviders(config: Config, _catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  return config.customProviders.map((custom) => {
    const models = custom.models.map((model) => ({ id: model.id, contextWindow: model.contextWindow }));
    return createOpenAICompatibleProvider({
      id: custom.id,
      displayName: custom.displayName ?? custom.id,
      baseUrl: custom.baseUrl,
      // The SDK insists on a key; local servers ignore it.
      apiKey: custom.apiKey ?? "not-needed",
      capabilities: { tools: true, vision: true, jsonMode: true, reasoning: false },
      maxTokensField: "max_tokens",
      listModels: async () => models,
      logger: context.logger,
      fetch: context.fetch,
    });
  });
}
