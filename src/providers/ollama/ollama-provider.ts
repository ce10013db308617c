import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import { createOpenAICompatibleProvider } from "../openai-compatible/openai-compatible-provider";
import type { LLMProvider, ProviderFactoryContext, ProviderModel } from "../types";
import { readOllamaCapabilities, servesChat, toReportedCapabilities } from "./ollama-model-capabilities";

interface OllamaTags {
  models?: Array<{ name?: string; model?: string; details?: { parameter_size?: string } }>;
}

/**
 * Ollama, found by a short probe of OLLAMA_BASE_URL at start-up; its models are whatever the
 * server has pulled (`/api/tags`), each with what it can do where `/api/show` says
 * (ollama-model-capabilities.ts), and it is spoken to through its OpenAI-compatible `/v1`.
 */
export async function createOllamaProviders(config: Config, _catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  if (!config.ollama.enabled) return [];
  const fetcher = context.fetch ?? fetch;
  const baseUrl = config.ollama.baseUrl.replace(/\/+$/, "");
  const listModels = async (timeoutMs: number): Promise<ProviderModel[]> => {
    // One deadline for the whole probe (the list, then each model's capabilities).
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await fetcher(`${baseUrl}/api/tags`, { signal });
    if (!response.ok) throw new Error(`Ollama answered ${response.status}`);
    const tags = (await response.json()) as OllamaTags;
    const listed = (tags.models ?? []).flatMap((model) => {
      const id = model.name ?? model.model;
      // parameter_size looks like "7.6B" or "494.03M".
      const size = /^([\d.]+)\s*([BM])/i.exec(model.details?.parameter_size ?? "");
      const parameterBillions = size ? Number(size[1]) / (size[2]!.toUpperCase() === "M" ? 1000 : 1) : undefined;
      return id ? [{ id, parameterBillions }] : [];
    });
    const reported = await readOllamaCapabilities(baseUrl, listed.map((model) => model.id), signal, fetcher);
    return listed.flatMap((model, index) => {
      const list = reported[index];
      if (!servesChat(list)) return [];
      const capabilities = toReportedCapabilities(list);
      return [capabilities ? { ...model, capabilities } : model];
    });
  };
  let models: ProviderModel[];
  try {
    models = await listModels(config.ollama.probeTimeoutMs);
  } catch {
    context.logger.debug("Ollama not reachable; provider inactive", { baseUrl });
    return [];
  }
  context.logger.info("Ollama detected", { baseUrl, models: models.length });
  return [
    createOpenAICompatibleProvider({
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
    }),
  ];
}
