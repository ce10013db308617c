import { describe, expect, test } from "bun:test";
import { worstCaseCostUsd } from "../../src/budget/worst-case-cost";
import { buildCatalog } from "../../src/catalog/build-catalog";
import { costUsd } from "../../src/catalog/request-cost";
import { normalizeUsage } from "../../src/chat/types";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { loadConfig } from "../../src/config";
import type { LLMProvider } from "../../src/providers/types";
import { requestNeeds } from "../../src/routing/request-needs";

/** Anthropic's web search server tool is billed per search ($10 per 1,000), on top of the tokens. */
const catalog = buildCatalog(loadConfig({}));
const tokens = { tokensIn: 1_000, tokensOut: 100, cachedTokens: 0, cacheWriteTokens: 0 };

describe("web search cost", () => {
  test("every Anthropic API model bills $0.01 a search, models of others (the Claude CLI's too) none; server_tool_use's count is billed", () => {
    for (const entry of catalog.forProvider("anthropic")) {
      expect(costUsd(entry, { ...tokens, webSearches: 3 }) - costUsd(entry, tokens)).toBeCloseTo(0.03, 12);
    }
    for (const provider of ["openai", "claude-cli"]) {
      const entry = catalog.forProvider(provider)[0]!;
      expect(costUsd(entry, { ...tokens, webSearches: 3 })).toBe(costUsd(entry, tokens));
    }
    const usage = normalizeUsage({ prompt_tokens: 1_000, completion_tokens: 100, total_tokens: 1_100, server_tool_use: { web_search_requests: 2, web_fetch_requests: 4 } });
    expect(usage).toMatchObject({ ...tokens, webSearches: 2 });
  });

  test("a budget reserves every search the web search tool allows (max_uses) at the model's price", () => {
    const provider = { id: "anthropic", billing: "metered" } as unknown as LLMProvider;
    const candidate = { provider, model: "claude-haiku-4-5", entry: catalog.get("anthropic", "claude-haiku-4-5")! };
    const ask = (tools: Array<Record<string, unknown>>) => {
      const request = chatRequestSchema.parse({ model: "claude-haiku-4-5", max_tokens: 1_000, messages: [{ role: "user", content: "News?" }], anthropic: { server_tools: tools } });
      return worstCaseCostUsd(candidate, requestNeeds(request), request);
    };
    expect(ask([{ type: "web_search_20250305", name: "web_search", max_uses: 8 }]) - ask([])).toBeCloseTo(0.08, 12);
    expect(ask([{ type: "web_fetch_20250910", name: "web_fetch", max_uses: 8 }])).toBe(ask([]));
  });
});
