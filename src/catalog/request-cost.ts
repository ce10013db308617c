import type { CatalogEntry } from "./catalog-entry";

/** The token counts a request is billed for (the internal usage shape, restated so the catalog imports nothing of ours). */
export interface BilledTokens {
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  /** Web searches a server tool made (Anthropic's web search), billed per search. */
  webSearches?: number;
}

/**
 * Cost of one request. Cached and cache-write tokens are part of `tokensIn` and are billed at
 * their own prices instead of the input price, never on top of it. Web searches are billed per
 * search at the entry's `webSearch` price, where it has one.
 */
export function costUsd(entry: Pick<CatalogEntry, "input" | "output" | "cacheRead" | "cacheWrite" | "webSearch"> | undefined, usage: BilledTokens | undefined): number {
  if (!entry || !usage) return 0;
  const cached = Math.min(usage.cachedTokens, usage.tokensIn);
  const written = Math.min(usage.cacheWriteTokens, usage.tokensIn - cached);
  const plainInput = usage.tokensIn - cached - written;
  const total =
    plainInput * entry.input +
    cached * (entry.cacheRead ?? entry.input) +
    written * (entry.cacheWrite ?? entry.input) +
    usage.tokensOut * entry.output;
  return total / 1_000_000 + (usage.webSearches ?? 0) * (entry.webSearch ?? 0);
}
