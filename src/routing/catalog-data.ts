import type { CatalogEntry } from "./model-catalog";

/**
 * Shipped model catalog: prices in USD per million tokens, as published on each vendor's pricing
 * page (sources below), last checked on PRICES_CHECKED_ON. Users override or extend it with
 * MODEL_CATALOG_FILE and CUSTOM_PROVIDERS. Cache-read prices are what a cached prompt token costs
 * instead of the input price; cache-write prices (Anthropic) are what a token written to the cache
 * costs instead of the input price.
 */
export const PRICES_CHECKED_ON = "2025-10-15";
const openaiSource = "https://openai.com/api/pricing/";
const anthropicSource = "https://docs.anthropic.com/en/docs/about-claude/pricing";
const geminiSource = "https://ai.google.dev/gemini-api/docs/pricing";

const all = { tools: true, vision: true, json: true, reasoning: false };
const reasoning = { ...all, reasoning: true };
// `claude -p` passes text only and cannot run the client's tools.
const claudeCli = { tools: false, vision: false, json: false, reasoning: true };

export const SHIPPED_CATALOG: CatalogEntry[] = [
  // OpenAI
  { provider: "openai", model: "gpt-5", tier: "premium", input: 1.25, output: 10, cacheRead: 0.125, contextWindow: 400_000, maxOutput: 128_000, capabilities: reasoning, aliases: ["gpt5"], source: openaiSource },
  { provider: "openai", model: "gpt-5-mini", tier: "standard", input: 0.25, output: 2, cacheRead: 0.025, contextWindow: 400_000, maxOutput: 128_000, capabilities: reasoning, aliases: [], source: openaiSource },
  { provider: "openai", model: "gpt-5-nano", tier: "economy", input: 0.05, output: 0.4, cacheRead: 0.005, contextWindow: 400_000, maxOutput: 128_000, capabilities: reasoning, aliases: [], source: openaiSource },
  { provider: "openai", model: "gpt-4.1", tier: "standard", input: 2, output: 8, cacheRead: 0.5, contextWindow: 1_047_576, maxOutput: 32_768, capabilities: all, aliases: [], source: openaiSource },
  { provider: "openai", model: "gpt-4.1-mini", tier: "economy", input: 0.4, output: 1.6, cacheRead: 0.1, contextWindow: 1_047_576, maxOutput: 32_768, capabilities: all, aliases: [], source: openaiSource },
  { provider: "openai", model: "gpt-4.1-nano", tier: "economy", input: 0.1, output: 0.4, cacheRead: 0.025, contextWindow: 1_047_576, maxOutput: 32_768, capabilities: all, aliases: [], source: openaiSource },
  { provider: "openai", model: "gpt-4o", tier: "standard", input: 2.5, output: 10, cacheRead: 1.25, contextWindow: 128_000, maxOutput: 16_384, capabilities: all, aliases: ["4o"], source: openaiSource },
  { provider: "openai", model: "gpt-4o-mini", tier: "economy", input: 0.15, output: 0.6, cacheRead: 0.075, contextWindow: 128_000, maxOutput: 16_384, capabilities: all, aliases: ["4o-mini"], source: openaiSource },
  { provider: "openai", model: "o3", tier: "premium", input: 2, output: 8, cacheRead: 0.5, contextWindow: 200_000, maxOutput: 100_000, capabilities: reasoning, aliases: [], source: openaiSource },
  { provider: "openai", model: "o4-mini", tier: "standard", input: 1.1, output: 4.4, cacheRead: 0.275, contextWindow: 200_000, maxOutput: 100_000, capabilities: reasoning, aliases: [], source: openaiSource },

  // Anthropic (API and the Claude CLI bill the same models; the CLI entries reuse these prices)
  { provider: "anthropic", model: "claude-opus-4-1", tier: "premium", input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, contextWindow: 200_000, maxOutput: 32_000, capabilities: reasoning, aliases: ["opus"], source: anthropicSource },
  { provider: "anthropic", model: "claude-sonnet-4-5", tier: "standard", input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000, maxOutput: 64_000, capabilities: reasoning, aliases: ["sonnet"], source: anthropicSource },
  { provider: "anthropic", model: "claude-haiku-4-5", tier: "economy", input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 200_000, maxOutput: 64_000, capabilities: reasoning, aliases: ["haiku"], source: anthropicSource },

  // Claude CLI (`claude -p` under the user's own login): the Anthropic models at the Anthropic prices
  { provider: "claude-cli", model: "claude-opus-4-1", tier: "premium", input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, contextWindow: 200_000, maxOutput: 32_000, capabilities: claudeCli, aliases: [], source: anthropicSource },
  { provider: "claude-cli", model: "claude-sonnet-4-5", tier: "standard", input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000, maxOutput: 64_000, capabilities: claudeCli, aliases: [], source: anthropicSource },
  { provider: "claude-cli", model: "claude-haiku-4-5", tier: "economy", input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 200_000, maxOutput: 64_000, capabilities: claudeCli, aliases: [], source: anthropicSource },

  // Google Gemini (prices for prompts up to 200k tokens)
  { provider: "gemini", model: "gemini-2.5-pro", tier: "premium", input: 1.25, output: 10, cacheRead: 0.31, contextWindow: 1_048_576, maxOutput: 65_536, capabilities: reasoning, aliases: ["gemini-pro"], source: geminiSource },
  { provider: "gemini", model: "gemini-2.5-flash", tier: "standard", input: 0.3, output: 2.5, cacheRead: 0.075, contextWindow: 1_048_576, maxOutput: 65_536, capabilities: reasoning, aliases: ["flash"], source: geminiSource },
  { provider: "gemini", model: "gemini-2.5-flash-lite", tier: "economy", input: 0.1, output: 0.4, cacheRead: 0.025, contextWindow: 1_048_576, maxOutput: 65_536, capabilities: reasoning, aliases: ["flash-lite"], source: geminiSource },
];
