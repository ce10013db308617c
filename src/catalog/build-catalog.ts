import type { CatalogEntry } from "./catalog-entry";
import { mergeCatalogEntries, readCatalogFile } from "./catalog-file";
import { ModelCatalog } from "./model-catalog";
import { SHIPPED_CATALOG } from "./shipped-catalog";

/** What the catalog takes from the configuration: CUSTOM_PROVIDERS' models and prices, and MODEL_CATALOG_FILE. */
export interface CatalogSources {
  customProviders: {
    id: string;
    models: {
      id: string;
      tier?: CatalogEntry["tier"];
      inputPricePerMillion: number;
      outputPricePerMillion: number;
      cacheReadPricePerMillion?: number;
      contextWindow?: number;
    }[];
  }[];
  modelCatalogFile?: string;
}

/** The shipped catalog, extended by CUSTOM_PROVIDERS' models and prices, then by MODEL_CATALOG_FILE. */
export function buildCatalog(sources: CatalogSources): ModelCatalog {
  const custom: CatalogEntry[] = sources.customProviders.flatMap((provider) =>
    provider.models.map((model) => ({
      provider: provider.id,
      model: model.id,
      tier: model.tier ?? "standard",
      input: model.inputPricePerMillion,
      output: model.outputPricePerMillion,
      cacheRead: model.cacheReadPricePerMillion,
      contextWindow: model.contextWindow ?? 128_000,
      capabilities: { tools: true, vision: false, json: true, reasoning: false },
      aliases: [],
      source: "CUSTOM_PROVIDERS",
    })),
  );
  const overrides = sources.modelCatalogFile ? readCatalogFile(sources.modelCatalogFile) : [];
  return new ModelCatalog(mergeCatalogEntries([...SHIPPED_CATALOG, ...custom], overrides));
}
