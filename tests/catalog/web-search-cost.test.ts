import { describe, expect, test } from "bun:test";
import { buildCatalog } from "../../src/catalog/build-catalog";
import { costUsd } from "../../src/catalog/request-cost";
import { normalizeUsage } from "../../src/chat/types";
import { loadConfig } from "../../src/config";

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
});
