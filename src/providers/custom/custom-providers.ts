import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import { createOpenAICompatibleProvider } from "../openai-compatible/openai-compatible-provider";
import type { LLMProvider, ProviderFactoryContext } from "../types";

/** One provider per CUSTOM_PROVIDERS entry: any OpenAI-compatible endpoint (vLLM, LM Studio, OpenRouter, Together, …). */
export async function createCustomProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  return config.customProviders.map((custom) => {
    // The catalog's mark (from the entry, lifted when MODEL_CATALOG_FILE prices the model, which the budgets then count).
    const unpriced = custom.models.filter((model) => catalog.get(custom.id, model.id)?.unpriced).map((model) => model.id);
    if (unpriced.length > 0) {
      context.logger.warn(
        `CUSTOM_PROVIDERS: "${custom.id}" gives no price for ${unpriced.join(", ")}: routed as free ($0, the cheapest of its tier) and counted by no budget; set inputPricePerMillion and outputPricePerMillion (0 if it is free)`,
        { provider: custom.id, models: unpriced },
      );
    }
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
