import type { NormalizedUsage } from "../chat/types";
import { SHIPPED_CATALOG } from "./shipped-catalog";

/** Everything the proxy knows about one model of one provider. Data, never code branches. */
export type Tier = "economy" | "standard" | "premium";
export const TIERS: readonly Tier[] = ["economy", "standard", "premium"];

export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  json: boolean;
  reasoning: boolean;
}

export interface CatalogEntry {
  provider: string;
  model: string;
  tier: Tier;
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  contextWindow: number;
  maxOutput?: number;
  capabilities: ModelCapabilities;
  aliases: string[];
  source?: string;
}

export class ModelCatalog {
  private readonly byKey = new Map<string, CatalogEntry>();

  constructor(entries: CatalogEntry[] = SHIPPED_CATALOG) {
    // Later entries (user overrides) replace earlier ones for the same provider/model.
    for (const entry of entries) this.byKey.set(`${entry.provider}:${entry.model}`, entry);
  }

  get(provider: string, model: string): CatalogEntry | undefined {
    return this.byKey.get(`${provider}:${model}`);
  }

  forProvider(provider: string): CatalogEntry[] {
    return [...this.byKey.values()].filter((entry) => entry.provider === provider);
  }

  entries(): CatalogEntry[] {
    return [...this.byKey.values()];
  }
}

/**
 * Cost of one request. Cached and cache-write tokens are part of `tokensIn` and are billed at
 * their own prices instead of the input price, never on top of it.
 */
export function costUsd(entry: Pick<CatalogEntry, "input" | "output" | "cacheRead" | "cacheWrite"> | undefined, usage: NormalizedUsage | undefined): number {
  if (!entry || !usage) return 0;
  const cached = Math.min(usage.cachedTokens, usage.tokensIn);
  const written = Math.min(usage.cacheWriteTokens, usage.tokensIn - cached);
  const plainInput = usage.tokensIn - cached - written;
  const total =
    plainInput * entry.input +
    cached * (entry.cacheRead ?? entry.input) +
    written * (entry.cacheWrite ?? entry.input) +
    usage.tokensOut * entry.output;
  return total / 1_000_000;
}
