import type { ChatRequest } from "../chat/request-schema";
import { costUsd } from "../catalog/request-cost";
import type { Candidate } from "../routing/candidate";
import { type RequestNeeds, visitPromptTexts } from "../routing/request-needs";
import type { NormalizedUsage } from "../chat/types";

/**
 * The most a request can cost on a candidate, which is what a budget reserves: the estimated
 * prompt (the router's estimate, raised for text outside ASCII: reservedPromptTokens) all billed
 * at the dearer of the input and cache-write prices, plus the whole output allowance: the client's max_tokens, else the model's output
 * limit, else whatever its context window leaves; and every web search the request allows (its
 * web search tools' `max_uses`) at the model's per-search price. A flat-billed model (own
 * hardware, a subscription) costs nothing.
 */
export function worstCaseCostUsd(candidate: Candidate, needs: RequestNeeds, request: ChatRequest): number {
  if (candidate.provider.billing === "flat") return 0;
  const entry = candidate.entry;
  const promptTokens = reservedPromptTokens(needs, request);
  const limit = entry.maxOutput ?? Math.max(0, entry.contextWindow - promptTokens);
  const output = Math.min(request.max_completion_tokens ?? request.max_tokens ?? limit, limit);
  const inputPrice = Math.max(entry.input, entry.cacheWrite ?? 0);
  return (promptTokens * inputPrice + output * entry.output) / 1_000_000 + allowedSearches(request) * (entry.webSearch ?? 0);
}

/** The searches Anthropic's web search tools allow: their `max_uses` (without one the API sets no limit, and none is reserved). */
function allowedSearches(request: ChatRequest): number {
  let searches = 0;
  for (const tool of request.anthropic?.server_tools ?? []) {
    if (typeof tool.type === "string" && tool.type.startsWith("web_search_") && typeof tool.max_uses === "number" && tool.max_uses > 0) searches += tool.max_uses;
  }
  return searches;
}

/**
 * Tokens per UTF-8 byte beyond the first of each character. The router's estimate (3.5 characters
 * a token) holds for English and code but not for other scripts: a Chinese, Japanese or Korean
 * character is one token or more (measured: 10,000 CJK characters billed 10,532 prompt tokens
 * against an estimate of 2,858). With this a CJK character (3 bytes) reserves about 1.5 tokens,
 * Cyrillic or Greek (2 bytes) 0.9, an emoji (4 bytes) 1.8: high, as a reservation must be. ASCII
 * text reserves what the router estimates.
 */
const TOKENS_PER_EXTRA_BYTE = 0.6;
const reservedPrompts = new WeakMap<ChatRequest, number>();

/** The prompt tokens a budget reserves for: the router's estimate, plus what text outside ASCII may cost beyond it. */
export function reservedPromptTokens(needs: RequestNeeds, request: ChatRequest): number {
  let extra = reservedPrompts.get(request);
  if (extra === undefined) {
    extra = Math.ceil(extraUtf8Bytes(request) * TOKENS_PER_EXTRA_BYTE);
    reservedPrompts.set(request, extra);
  }
  return needs.promptTokens + extra;
}

/** UTF-8 bytes beyond one per UTF-16 unit, over the texts the router's estimate counts (0 for ASCII). */
function extraUtf8Bytes(request: ChatRequest): number {
  let extra = 0;
  visitPromptTexts(request, (text) => {
    extra += Buffer.byteLength(text, "utf8") - text.length;
  });
  return extra;
}

/**
 * What a finished request spent on the candidate that served it: its usage at the catalog's
 * prices. Without usage (a stream the client left before the end), the prompt was still
 * processed: its estimate at the input price. Flat-billed models spend nothing.
 */
export function spentUsd(candidate: Candidate | undefined, usage: NormalizedUsage | undefined, needs: RequestNeeds, reachedUpstream: boolean): number {
  if (!candidate || candidate.provider.billing === "flat") return 0;
  if (usage) return costUsd(candidate.entry, usage);
  return reachedUpstream ? (needs.promptTokens * candidate.entry.input) / 1_000_000 : 0;
}
