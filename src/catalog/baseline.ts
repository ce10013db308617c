import type { CatalogEntry } from "./catalog-entry";
import type { ModelCatalog } from "./model-catalog";

/**
 * The baseline of the savings figures: BASELINE_MODEL (a name, alias or provider:model from the
 * catalog), or else the most expensive premium model of `defaultProvider` (DEFAULT_PROVIDER, or the
 * first active provider), which is what the user would pay without routing.
 */
export function pickBaseline(catalog: ModelCatalog, baselineModel: string | undefined, defaultProvider: string | undefined): CatalogEntry | undefined {
  if (baselineModel) {
    const [provider, model] = baselineModel.includes(":") ? baselineModel.split(/:(.*)/s) : [undefined, baselineModel];
    const entry = catalog.entries().find((candidate) => (provider === undefined || candidate.provider === provider) && (candidate.model === model || candidate.aliases.includes(model!)));
    if (!entry) throw new Error(`BASELINE_MODEL '${baselineModel}' is not in the model catalog`);
    return entry;
  }
  const premium = (entries: CatalogEntry[]) => entries.filter((entry) => entry.tier === "premium").sort((a, b) => b.output - a.output)[0];
  return premium(catalog.entries().filter((entry) => entry.provider === defaultProvider)) ?? premium(catalog.entries());
}
