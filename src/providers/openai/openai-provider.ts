import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import { createOpenAICompatibleProvider } from "../openai-compatible/openai-compatible-provider";
import type { LLMProvider, ProviderFactoryContext } from "../types";
import { openaiModelRules } from "./openai-model-rules";

/** OpenAI itself; active when OPENAI_API_KEY is set. Its models are the catalog's OpenAI models. */
export async function createOpenAIProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  if (!config.openai.apiKey) return [];
  const entries = catalog.forProvider("openai");
  const models = entries.map((entry) => ({ id: entry.model, contextWindow: entry.contextWindow }));
  const reasoningModels = new Set(entries.filter((entry) => entry.capabilities.reasoning).map((entry) => entry.model));
  return [
    createOpenAICompatibleProvider({
      id: "openai",
      displayName: "OpenAI",
      baseUrl: config.openai.baseUrl,
      apiKey: config.openai.apiKey,
      capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true, customTools: true },
      maxTokensField: "max_completion_tokens",
      strictFields: true,
      customTools: true,
      maxOutput: (model) => catalog.get("openai", model)?.maxOutput,
      // Per-model rules (openai-model-rules.ts); a model without a row falls back to the catalog's reasoning flag.
      modelRules: openaiModelRules,
      isReasoningModel: (model) => reasoningModels.has(model),
      listModels: async () => models,
      logger: context.logger,
      fetch: context.fetch,
    }),
  ];
}
