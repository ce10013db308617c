import type { CatalogEntry, ModelCatalog } from "./model-catalog";
import type { ModelDirectory } from "../routing/model-directory";

/**
 * The baseline of the savings figures: BASELINE_MODEL (a name, alias or provider:model from the
 * catalog), or else the most expensive premium model of the default provider, which is what the
 * user would pay without routing.
 */
export function pickBaseline(directory: ModelDirectory, catalog: ModelCatalog, baselineModel: string | undefined, defaultProvider: string | undefined): CatalogEntry | undefined {
  if (baselineModel) {
    const [provider, model] = baselineModel.includes(":") ? baselineModel.split(/:(.*)/s) : [undefined, baselineModel];
    const entry = catalog.entries().find((candidate) => (provider === undefined || candidate.provider === provider) && (candidate.model === model || candidate.aliases.includes(model!)));
    if (!entry) throw new Error(`BASELINE_MODEL '${baselineModel}' is not in the model catalog`);
    return entry;
  }
  const providerId = defaultProvider ?? directory.activeProviders()[0]?.id;
  const premium = (entries: ReturnType<ModelCatalog["entries"]>) =>
    entries.filter((entry) => entry.tier === "premium").sort((a, b) => b.output - a.output)[0];
  return premium(catalog.entries().filter((entry) => entry.provider === providerId)) ?? premium(catalog.entries());
}

