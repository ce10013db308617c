import type { CatalogEntry } from "./catalog-entry";
import { mergeCatalogEntries, readCatalogFile } from "./catalog-file";
import { ModelCatalog } from "./model-catalog";
import { SHIPPED_CATALOG } from "./shipped-catalog";
import { subscriptionPriced } from "./subscription-pricing";

/** What the catalog takes from the configuration: CUSTOM_PROVIDERS' models and prices, and MODEL_CATALOG_FILE. */
export interface CatalogSources {
  customProviders: {
    id: string;
    models: {
      id: string;
      tier?: CatalogEntry["tier"];
      inputPricePerMillion?: number;
      outputPricePerMillion?: number;
      cacheReadPricePerMillion?: number;
      contextWindow?: number;
      /** No price given, on a hosted endpoint (config-custom-prices.ts). */
      unpriced?: true;
    }[];
  }[];
  modelCatalogFile?: string;
  /** How the Claude CLI is paid for: with a subscription its requests cost nothing at the margin. */
  claudeCli?: { billing: "subscription" | "api" };
}

/** Providers whose models a flat subscription pays for, given the configuration. */
const subscriptionProviders = (sources: CatalogSources): string[] => (sources.claudeCli?.billing === "api" ? [] : ["claude-cli"]);

/**
 * The shipped catalog, extended by CUSTOM_PROVIDERS' models and prices, then by MODEL_CATALOG_FILE;
 * then the entries a subscription pays for are priced at 0, their list prices kept aside.
 */
export function buildCatalog(sources: CatalogSources): ModelCatalog {
  const custom: CatalogEntry[] = sources.customProviders.flatMap((provider) =>
    provider.models.map((model): CatalogEntry => ({
      provider: provider.id,
      model: model.id,
      tier: model.tier ?? "standard",
      input: model.inputPricePerMillion ?? 0,
      output: model.outputPricePerMillion ?? 0,
      cacheRead: model.cacheReadPricePerMillion,
      contextWindow: model.contextWindow ?? 128_000,
      capabilities: { tools: true, vision: false, json: true, reasoning: false },
      aliases: [],
      source: "CUSTOM_PROVIDERS",
      ...(model.unpriced ? { unpriced: true as const } : {}),
    })),
  );
  const overrides = sources.modelCatalogFile ? readCatalogFile(sources.modelCatalogFile) : [];
  const subscribed = subscriptionProviders(sources);
  const entries = mergeCatalogEntries([...SHIPPED_CATALOG, ...custom], overrides);
  return new ModelCatalog(entries.map((entry) => (subscribed.includes(entry.provider) ? subscriptionPriced(entry) : entry)));
}
