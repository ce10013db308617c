import type { CatalogEntry } from "./catalog-entry";

/**
 * Shipped model catalog: prices in USD per million tokens, as published by each vendor (sources on
 * every entry), last checked on PRICES_CHECKED_ON. Users override or extend it with
 * MODEL_CATALOG_FILE and CUSTOM_PROVIDERS.
 *
 * - Cache-read prices are what a cached prompt token costs instead of the input price; cache-write
 *   prices (Anthropic 5-minute writes, OpenAI GPT-6 30-minute writes) are what a token written to
 *   the cache costs instead of the input price.
 * - Where a vendor bills long prompts at a higher rate (OpenAI above 272K input tokens, Gemini
 *   2.5 Pro above 200K, Claude Haiku 5.5 above 100K), the base (short-prompt) rate is listed.
 * - Where a published price change lands within days of the check (Gemini 4's introductory prices
 *   end on 2026-11-30), the price in force from 2026-12-01 is listed; see the entry's comment.
 * - Anthropic bills each search of its web search server tool on top of the tokens: $10 per 1,000
 *   searches (`webSearch`, USD a search, from usage.server_tool_use.web_search_requests); web fetch
 *   costs tokens only.
 * - Models the vendor's SDK lists as deprecated or retired are left out, except the OpenAI models
 *   kept on purpose below (still served, with their announced shutdown date in a comment).
 * - `tools` means tools work through the API this proxy calls. GPT-6.2 Astra and Sol ("none" is
 *   rejected) and GPT-6.1 Terra ("Tool calling requires the Responses API") take no function tools
 *   on Chat Completions; the OpenAI provider sends their tool requests to the Responses API
 *   instead (`toolsOnResponsesApi` in their rules row). GPT-6 Luna (like GPT-5.5 and 5.4 mini) takes them
 *   only at `reasoning_effort` "none": the OpenAI provider sets "none" when a request has tools and
 *   no effort, and its rejectionReason makes the router skip these models for a request with tools
 *   and another effort. The rules: providers/openai/openai-model-rules.ts.
 */
export const PRICES_CHECKED_ON = "2026-11-25";

const anthropicPricing = "https://platform.claude.com/docs/en/about-claude/pricing";
const openaiPricing = "https://developers.openai.com/api/docs/pricing";
const geminiPricing = "https://ai.google.dev/gemini-api/docs/pricing";

const all = { tools: true, vision: true, json: true, reasoning: false };
const reasoning = { ...all, reasoning: true };
// `claude -p` takes the client's tools (as an MCP server of the proxy), images and PDFs; no JSON mode.
const claudeCli = { tools: true, vision: true, json: false, reasoning: true };

const openai: CatalogEntry[] = [
  // GPT-6.2 (2026-11-17): the API rejects reasoning effort "none", so never tools on Chat
  // Completions; tool requests go to the Responses API.
  {
    provider: "openai",
    model: "gpt-6.2-astra",
    tier: "premium",
    input: 8,
    output: 40,
    cacheRead: 0.4,
    cacheWrite: 10,
    contextWindow: 1_050_000, // 922K input at most
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: [],
    source: `https://developers.openai.com/api/docs/models/gpt-6.2-astra via vercel.com/ai-gateway/models/gpt-6.2-astra, apidog.com/blog/gpt-6-2-astra-api and github.com/iyulab/TokenMeter v0.17.0 (cached input, cache write), ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "openai",
    model: "gpt-6.2-sol",
    tier: "premium",
    input: 2,
    output: 10,
    cacheRead: 0.1,
    cacheWrite: 2.5,
    contextWindow: 1_050_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: [],
    source: `https://developers.openai.com/api/docs/models/gpt-6.2-sol, ${PRICES_CHECKED_ON}`,
  },
  // GPT-6.1 Terra: tool calling only on the Responses API (where its tool requests go). GPT-6 Luna: tools on Chat Completions
  // only with reasoning_effort "none" (see the header).
  {
    provider: "openai",
    model: "gpt-6.1-terra",
    tier: "standard",
    input: 1,
    output: 5,
    cacheRead: 0.05,
    cacheWrite: 1.25,
    contextWindow: 1_050_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: [],
    source: `${openaiPricing} via docs.litellm.ai/blog/gpt-6-1-terra, apidog.com/blog/gpt-6-1-terra-pricing and github.com/TheKrush/PromptFuel v1.0.24, ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "openai",
    model: "gpt-6-luna",
    tier: "economy",
    input: 0.1,
    output: 0.5,
    cacheRead: 0.01,
    cacheWrite: 0.125,
    contextWindow: 1_050_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: [],
    source: `${openaiPricing} via github.com/merefield/codexometer v0.18.4, github.com/TheKrush/PromptFuel v1.0.21 and github.com/BerriAI/litellm/discussions/42523, ${PRICES_CHECKED_ON}`,
  },
  // GPT-5.5 and GPT-5.4 mini default to reasoning effort "none" and call tools on Chat Completions;
  // tools with an explicit effort other than "none" are a 400 (openai-model-rules.ts).
  {
    provider: "openai",
    model: "gpt-5.5",
    tier: "premium",
    input: 5,
    output: 30,
    cacheRead: 0.5,
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: ["gpt5"],
    source: `${openaiPricing} via docs.venice.ai/models/gpt-5-5, vercel.com/ai-gateway/models/openai/gpt-5.5 and powershellgallery.com ShellPilot 0.3.1 (cached input), ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "openai",
    model: "gpt-5.4-mini",
    tier: "economy",
    input: 0.75,
    output: 4.5,
    cacheRead: 0.075,
    contextWindow: 400_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: [],
    source: `https://developers.openai.com/api/docs/models/gpt-5.4-mini via vercel.com/ai-gateway/models/openai/gpt-5.4-mini, docs.venice.ai/models/gpt-5-4-mini and docs.rs/adk-model (cached input), ${PRICES_CHECKED_ON}`,
  },
  // Deprecated but still served, kept because clients ask for them by name:
  // gpt-5-mini shuts down 2026-12-11 (now economy: a small model), gpt-4o and gpt-4o-mini 2027-01-14.
  { provider: "openai", model: "gpt-5-mini", tier: "economy", input: 0.25, output: 2, cacheRead: 0.025, contextWindow: 400_000, maxOutput: 128_000, capabilities: reasoning, aliases: [], source: openaiPricing },
  { provider: "openai", model: "gpt-4o", tier: "standard", input: 2.5, output: 10, cacheRead: 1.25, contextWindow: 128_000, maxOutput: 16_384, capabilities: all, aliases: ["4o"], source: openaiPricing },
  { provider: "openai", model: "gpt-4o-mini", tier: "economy", input: 0.15, output: 0.6, cacheRead: 0.075, contextWindow: 128_000, maxOutput: 16_384, capabilities: all, aliases: ["4o-mini"], source: openaiPricing },
];

// The newer Claude models take only adaptive thinking; all of them think.
const anthropicModels: CatalogEntry[] = [
  {
    provider: "anthropic",
    model: "claude-fable-5-1",
    tier: "premium",
    input: 10,
    output: 50,
    cacheRead: 0.25,
    cacheWrite: 12.5,
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: [],
    source: `${anthropicPricing}, ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "anthropic",
    model: "claude-opus-5-5",
    tier: "premium",
    input: 4,
    output: 20,
    cacheRead: 0.2,
    cacheWrite: 5,
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: ["opus"],
    source: `https://platform.claude.com/docs/en/models/opus-5-5/overview and ${anthropicPricing}, ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "anthropic",
    model: "claude-sonnet-5-5",
    tier: "standard",
    input: 2,
    output: 10,
    // Cache hits cut from $0.20 to $0.10 on 2026-10-07; the model overview page still showed $0.20.
    cacheRead: 0.1,
    cacheWrite: 2.5,
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: ["sonnet"],
    source: `${anthropicPricing} via github.com/kurofune/claudit v1.9.2 (checked against the live page 2026-10-24), github.com/TheKrush/PromptFuel v1.0.23 and github.com/rashidrazak/opencode-cmd-provider v2.2.6, ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "anthropic",
    model: "claude-haiku-5-5",
    tier: "economy",
    // Prompts up to 100K tokens; longer prompts pay $0.50 / $2.50, cache write $0.625, cache read $0.05.
    input: 0.1,
    output: 0.5,
    cacheRead: 0.01,
    cacheWrite: 0.125,
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    capabilities: reasoning,
    aliases: ["haiku"],
    source: `https://platform.claude.com/docs/en/models/haiku-5-5/overview and ${anthropicPricing}, ${PRICES_CHECKED_ON}`,
  },
  { provider: "anthropic", model: "claude-haiku-4-5", tier: "economy", input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 200_000, maxOutput: 64_000, capabilities: reasoning, aliases: [], source: `${anthropicPricing}, ${PRICES_CHECKED_ON}` },
];

const ANTHROPIC_WEB_SEARCH_USD = 10 / 1000;
const anthropic: CatalogEntry[] = anthropicModels.map((entry) => ({ ...entry, webSearch: ANTHROPIC_WEB_SEARCH_USD }));

// Claude CLI (`claude -p` under the user's own login): the Anthropic models at the Anthropic prices
// (CLAUDE_CLI_BILLING=api); with a subscription, build-catalog.ts makes them free (subscription-pricing.ts).
const claudeCliEntries: CatalogEntry[] = anthropicModels.map((entry) => ({ ...entry, provider: "claude-cli", capabilities: claudeCli, aliases: [] }));

const gemini: CatalogEntry[] = [
  // Gemini 4: introductory $2 / $10 (cache read $0.10) through 2026-11-30, the prices below from
  // 2026-12-01. One 1,048,576-token limit for input and output; 65,536 output tokens per request.
  {
    provider: "gemini",
    model: "gemini-4-carbon",
    tier: "premium",
    input: 4,
    output: 20,
    cacheRead: 0.2, // Carbon has Argon's price card (LiteLLM, LaoZhang)
    contextWindow: 1_048_576,
    maxOutput: 65_536,
    capabilities: reasoning,
    aliases: [],
    source: `${geminiPricing} via github.com/BerriAI/litellm/discussions/50970, docs.laozhang.ai/en/announcements/gemini-4-carbon-2026-11 and apidog.com/es/blog/gemini-4-carbon-api, ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "gemini",
    model: "gemini-4-argon",
    tier: "premium",
    input: 4,
    output: 20,
    cacheRead: 0.2,
    contextWindow: 1_048_576,
    maxOutput: 65_536,
    capabilities: reasoning,
    // Google's successor to Gemini 3.1 Pro.
    aliases: ["gemini-pro"],
    source: `https://ai.google.dev/gemini-api/docs/generate-content/latest-model and ${geminiPricing} via github.com/iyulab/TokenMeter v0.13.1 and github.com/BerriAI/litellm/discussions/46238 (cache read), ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "gemini",
    model: "gemini-4-hydrogen",
    tier: "standard",
    input: 1.5,
    output: 7.5,
    cacheRead: 0.075,
    contextWindow: 1_048_576,
    maxOutput: 65_536,
    capabilities: reasoning,
    aliases: [],
    source: `${geminiPricing} via github.com/iyulab/TokenMeter v0.17.0 and github.com/BerriAI/litellm/discussions/51436; limits from docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-4-hydrogen, ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "gemini",
    model: "gemini-3.8-flash",
    tier: "standard",
    // $0.75 / $3.75 through 2026-12-31, then $1.50 / $7.50 from 2027-01-01.
    input: 0.75,
    output: 3.75,
    cacheRead: 0.075,
    contextWindow: 1_048_576,
    maxOutput: 65_536,
    capabilities: reasoning,
    aliases: ["flash"],
    source: `${geminiPricing} (transcribed 2026-10-07 in github.com/api-evangelist/deepmind) and github.com/BerriAI/litellm/discussions/39357 (cache read, limits), ${PRICES_CHECKED_ON}`,
  },
  {
    provider: "gemini",
    model: "gemini-3.5-flash-lite",
    tier: "economy",
    // No cache-read price confirmed by two sources: cached tokens are costed at the input price.
    input: 0.3,
    output: 2.5,
    contextWindow: 1_048_576,
    maxOutput: 65_536,
    capabilities: reasoning,
    aliases: ["flash-lite"],
    source: `${geminiPricing} (transcribed 2026-10-07 in github.com/api-evangelist/deepmind); limits from https://ai.google.dev/gemini-api/docs/models/gemini-3.5-flash-lite, ${PRICES_CHECKED_ON}`,
  },
  // Gemini 2.5 (prompts up to 200K tokens; cache prices as of 2025-10, not re-verified). 2.5 Pro and
  // 2.5 Flash are deprecated and shut down on 2026-12-01 (Google then answers with 3.8 Flash and
  // 3.5 Flash-Lite); the @google/genai SDK does not flag them, so they stay, below their old tiers.
  { provider: "gemini", model: "gemini-2.5-pro", tier: "standard", input: 1.25, output: 10, cacheRead: 0.31, contextWindow: 1_048_576, maxOutput: 65_536, capabilities: reasoning, aliases: [], source: geminiPricing },
  { provider: "gemini", model: "gemini-2.5-flash", tier: "economy", input: 0.3, output: 2.5, cacheRead: 0.075, contextWindow: 1_048_576, maxOutput: 65_536, capabilities: reasoning, aliases: [], source: geminiPricing },
  { provider: "gemini", model: "gemini-2.5-flash-lite", tier: "economy", input: 0.1, output: 0.4, cacheRead: 0.025, contextWindow: 1_048_576, maxOutput: 65_536, capabilities: reasoning, aliases: [], source: geminiPricing },
];

export const SHIPPED_CATALOG: CatalogEntry[] = [...openai, ...anthropic, ...claudeCliEntries, ...gemini];
