import type { CatalogEntry } from "./catalog-entry";
import { modelKey } from "./model-key";

/** The catalog in use: entries by provider and model. Built from SHIPPED_CATALOG and the user's additions (see build-catalog.ts). */
export class ModelCatalog {
  private readonly byKey = new Map<string, CatalogEntry>();

  constructor(entries: CatalogEntry[]) {
    // Later entries (user overrides) replace earlier ones for the same provider/model.
    for (const entry of entries) this.byKey.set(modelKey(entry.provider, entry.model), entry);
  }

  get(provider: string, model: string): CatalogEntry | undefined {
    return this.byKey.get(modelKey(provider, model));
  }

  forProvider(provider: string): CatalogEntry[] {
    return [...this.byKey.values()].filter((entry) => entry.provider === provider);
  }

  entries(): CatalogEntry[] {
    return [...this.byKey.values()];
  }
}
