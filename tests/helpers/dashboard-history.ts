import type { RequestLogRow } from "../../src/db/schema";
import { makeLogRow } from "./request-log-rows";

/** A month of plausible history from another client, so the charts and screenshots have something to show. */
export function pastMonth(): RequestLogRow[] {
  const models = [
    ["anthropic", "claude-sonnet-5-5", "standard", 0.02],
    ["openai", "gpt-4o-mini", "economy", 0.002],
    ["gemini", "gemini-2.5-flash-lite", "economy", 0.001],
    ["claude-cli", "claude-opus-5-5", "premium", 0.05],
  ] as const;
  return Array.from({ length: 480 }, (_, index) => {
    const [provider, model, tier, cost] = models[index % models.length]!;
    const status = index % 17 === 0 ? 503 : index % 23 === 0 ? 429 : 200;
    const price = status === 200 ? cost * (0.5 + (index % 7) / 7) : 0;
    const subscription = provider === "claude-cli";
    const hit = status === 200 && index % 9 === 0;
    const compressed = status === 200 && !hit && index % 2 === 0;
    return makeLogRow({
      createdAt: new Date(Date.now() - ((index * 7919) % (30 * 24 * 60)) * 60_000 - 60_000),
      userAgent: "history/1.0",
      provider,
      model,
      tier,
      status,
      tokensIn: status === 200 ? 2000 + ((index * 131) % 9000) : 0,
      tokensOut: status === 200 ? 100 + ((index * 17) % 900) : 0,
      // The Claude CLI under a subscription costs 0 and records its list-price value; a cache hit costs 0 and saves its answer's price.
      costUsd: subscription || hit ? 0 : price,
      subscriptionValueUsd: subscription && status === 200 && !hit ? price : null,
      baselineCostUsd: status === 200 && !hit ? 0.12 : null,
      cacheStatus: status !== 200 ? null : hit ? "hit" : "miss",
      cacheSavedUsd: hit ? price : null,
      compressionTokensBefore: compressed ? 2600 + ((index * 131) % 9000) : null,
      compressionTokensAfter: compressed ? 2000 + ((index * 131) % 9000) : null,
      latencyMs: 300 + ((index * 389) % 12000),
      ttftMs: index % 3 === 0 ? null : 150 + ((index * 97) % 1500),
    });
  });
}
