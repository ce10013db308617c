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
  /** USD per web search, where the vendor bills its server-side search apart from tokens (Anthropic's web search tool). */
  webSearch?: number;
  contextWindow: number;
  maxOutput?: number;
  capabilities: ModelCapabilities;
  aliases: string[];
  source?: string;
  /**
   * Not in the catalog, on a provider that bills per token: its prices above are 0 because nobody
   * knows them, not because it is free. Budgets cannot count it (src/budget/unpriced-models.ts).
   */
  unpriced?: true;
  /**
   * Set when the entry is paid for by a flat subscription (its prices are then 0): what the same
   * tokens would cost at the list price, so the savings the subscription brings can be shown.
   */
  listPrice?: Pick<CatalogEntry, "input" | "output" | "cacheRead" | "cacheWrite">;
}
