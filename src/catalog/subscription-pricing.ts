import type { CatalogEntry } from "./catalog-entry";

/**
 * An entry paid for by a flat subscription (the Claude CLI under a Claude plan): each request costs
 * nothing at the margin, so the router prefers it like a local model, and the entry keeps its list
 * prices as `listPrice` for what the same tokens would have cost on the API.
 */
export function subscriptionPriced(entry: CatalogEntry): CatalogEntry {
  if (entry.listPrice) return entry;
  const { input, output, cacheRead, cacheWrite } = entry;
  return {
    ...entry,
    input: 0,
    output: 0,
    cacheRead: cacheRead === undefined ? undefined : 0,
    cacheWrite: cacheWrite === undefined ? undefined : 0,
    listPrice: { input, output, cacheRead, cacheWrite },
  };
}
