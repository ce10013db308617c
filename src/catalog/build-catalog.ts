import type { Config } from "../config";
import { SHIPPED_CATALOG } from "./shipped-catalog";
import { mergeCatalogEntries, readCatalogFile } from "./catalog-file";
import { type CatalogEntry, ModelCatalog } from "./model-catalog";

/** The shipped catalog, extended by CUSTOM_PROVIDERS' models and prices, then by MODEL_CATALOG_FILE. */
export function buildCatalog(config: Config): ModelCatalog {
  const custom: CatalogEntry[] = config.customProviders.flatMap((provider) =>
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
  const overrides = config.modelCatalogFile ? readCatalogFile(config.modelCatalogFile) : [];
  return new ModelCatalog(mergeCatalogEntries([...SHIPPED_CATALOG, ...custom], overrides));
}
