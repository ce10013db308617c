import { describe, expect, test } from "bun:test";
import { PRICES_CHECKED_ON, SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";
import { AUTO_MODEL } from "../../src/routing/model-directory";
import { type CatalogEntry, TIERS } from "../../src/catalog/catalog-entry";

const key = (entry: CatalogEntry) => `${entry.provider}:${entry.model}`;
const ofProvider = (provider: string) => SHIPPED_CATALOG.filter((entry) => entry.provider === provider);
const prices = (entry: CatalogEntry) => ({ input: entry.input, output: entry.output, cacheRead: entry.cacheRead, cacheWrite: entry.cacheWrite });

describe("shipped catalog", () => {
  test.each(SHIPPED_CATALOG.map((entry) => [key(entry), entry] as const))("%s: sane numbers", (_, entry) => {
    expect(entry.contextWindow).toBeGreaterThan(0);
    expect(Number.isInteger(entry.contextWindow)).toBe(true);
    if (entry.maxOutput !== undefined) {
      expect(entry.maxOutput).toBeGreaterThan(0);
      expect(entry.maxOutput).toBeLessThanOrEqual(entry.contextWindow);
    }
    for (const price of [entry.input, entry.output, entry.cacheRead ?? 0, entry.cacheWrite ?? 0]) {
      expect(Number.isFinite(price)).toBe(true);
      expect(price).toBeGreaterThanOrEqual(0);
    }
    if (entry.cacheRead !== undefined) expect(entry.cacheRead).toBeLessThanOrEqual(entry.input);
    expect(TIERS).toContain(entry.tier);
    expect(entry.source).toBeTruthy();
  });

  test("provider:model pairs are unique", () => {
    const keys = SHIPPED_CATALOG.map(key);
    expect(keys.length).toBe(new Set(keys).size);
  });

  test("aliases are unique across the catalog and never shadow a model, a tier or auto", () => {
    const aliases = SHIPPED_CATALOG.flatMap((entry) => entry.aliases);
    expect(aliases.length).toBe(new Set(aliases).size);
    const models = new Set(SHIPPED_CATALOG.map((entry) => entry.model));
    for (const alias of aliases) {
      expect(alias).toBe(alias.toLowerCase()); // the directory matches aliases lower-cased
      expect(models.has(alias)).toBe(false);
      expect([...TIERS, AUTO_MODEL]).not.toContain(alias);
    }
  });

  test("the family aliases point at the newest model of each line", () => {
    const target = (alias: string) => SHIPPED_CATALOG.find((entry) => entry.aliases.includes(alias));
    expect(target("opus")).toMatchObject({ provider: "anthropic", model: "claude-opus-5-5" });
    expect(target("sonnet")).toMatchObject({ provider: "anthropic", model: "claude-sonnet-5-5" });
    expect(target("haiku")).toMatchObject({ provider: "anthropic", model: "claude-haiku-5-5" });
    expect(target("flash")).toMatchObject({ provider: "gemini", model: "gemini-3.8-flash" });
    expect(target("flash-lite")).toMatchObject({ provider: "gemini", model: "gemini-3.5-flash-lite" });
    expect(target("gemini-pro")?.provider).toBe("gemini");
    expect(target("4o")?.model).toBe("gpt-4o");
    expect(target("4o-mini")?.model).toBe("gpt-4o-mini");
    expect(target("gpt5")?.model).toMatch(/^gpt-5/);
  });

  test.each(["openai", "anthropic", "gemini"])("%s has a model in every tier", (provider) => {
    const tiers = new Set(ofProvider(provider).map((entry) => entry.tier));
    for (const tier of TIERS) expect(tiers.has(tier)).toBe(true);
  });

  test("the claude-cli entries mirror the anthropic ones: same models, prices, limits and tiers, tools and images but no JSON mode, no aliases", () => {
    const anthropic = ofProvider("anthropic");
    const cli = ofProvider("claude-cli");
    expect(cli.map((entry) => entry.model)).toEqual(anthropic.map((entry) => entry.model));
    for (const [index, api] of anthropic.entries()) {
      const mirror = cli[index]!;
      expect(prices(mirror)).toEqual(prices(api));
      expect({ tier: mirror.tier, contextWindow: mirror.contextWindow, maxOutput: mirror.maxOutput }).toEqual({ tier: api.tier, contextWindow: api.contextWindow, maxOutput: api.maxOutput });
      expect(mirror.capabilities).toEqual({ tools: true, vision: true, json: false, reasoning: true });
      expect(mirror.aliases).toEqual([]);
    }
  });

  test("OpenAI reasoning models are marked as such (the provider drops sampling parameters for them), chat models are not", () => {
    for (const entry of ofProvider("openai")) {
      const reasoningModel = /^(o\d|gpt-[5-9])/.test(entry.model) && !entry.model.includes("chat");
      expect({ model: entry.model, reasoning: entry.capabilities.reasoning }).toEqual({ model: entry.model, reasoning: reasoningModel });
    }
  });

  test("the models other tests and clients ask for by name are still there", () => {
    const keys = new Set(SHIPPED_CATALOG.map(key));
    for (const name of ["openai:gpt-4o-mini", "openai:gpt-4o", "openai:gpt-5-mini", "anthropic:claude-haiku-4-5", "claude-cli:claude-haiku-4-5", "gemini:gemini-2.5-flash", "gemini:gemini-2.5-pro", "gemini:gemini-2.5-flash-lite"]) {
      expect(keys.has(name)).toBe(true);
    }
  });

  test("PRICES_CHECKED_ON is an ISO date", () => {
    expect(PRICES_CHECKED_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(PRICES_CHECKED_ON))).toBe(false);
  });
});
