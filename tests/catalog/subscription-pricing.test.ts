import { describe, expect, test } from "bun:test";
import { buildCatalog } from "../../src/catalog/build-catalog";
import { costUsd } from "../../src/catalog/request-cost";
import { loadConfig } from "../../src/config";

/** CLAUDE_CLI_BILLING: what the Claude CLI's models cost the router and the log. */
const catalog = (billing?: string) => buildCatalog(loadConfig(billing ? { CLAUDE_CLI_BILLING: billing } : {}));
const usage = { tokensIn: 1_000_000, tokensOut: 100_000, cachedTokens: 200_000, cacheWriteTokens: 50_000 };

describe("CLAUDE_CLI_BILLING", () => {
  test("subscription (the default): every claude-cli model is free at the margin and keeps the API's list price aside", () => {
    const subscribed = catalog();
    const api = subscribed.get("anthropic", "claude-sonnet-5-5")!;
    for (const entry of subscribed.forProvider("claude-cli")) {
      expect({ input: entry.input, output: entry.output, cacheRead: entry.cacheRead ?? 0, cacheWrite: entry.cacheWrite ?? 0 }).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
      expect(entry.listPrice).toBeDefined();
      expect(costUsd(entry, usage)).toBe(0);
    }
    const cli = subscribed.get("claude-cli", "claude-sonnet-5-5")!;
    expect(costUsd(cli.listPrice, usage)).toBe(costUsd(api, usage));
    // The Anthropic API provider's own entries are untouched.
    expect(api.listPrice).toBeUndefined();
    expect(costUsd(api, usage)).toBeGreaterThan(0);
  });

  test("api: the claude-cli models cost what the Anthropic API charges", () => {
    const priced = catalog("api");
    const cli = priced.get("claude-cli", "claude-haiku-4-5")!;
    expect(cli.listPrice).toBeUndefined();
    expect(costUsd(cli, usage)).toBe(costUsd(priced.get("anthropic", "claude-haiku-4-5"), usage));
  });

  test("a bad value stops start-up naming the variable", () => {
    expect(() => loadConfig({ CLAUDE_CLI_BILLING: "free" })).toThrow(/CLAUDE_CLI_BILLING/);
  });
});
