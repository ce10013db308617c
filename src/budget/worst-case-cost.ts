import type { ChatRequest } from "../chat/request-schema";
import { costUsd } from "../catalog/request-cost";
import type { Candidate } from "../routing/candidate";
import type { RequestNeeds } from "../routing/request-needs";
import type { NormalizedUsage } from "../chat/types";

/**
 * The most a request can cost on a candidate, which is what a budget reserves: the estimated
 * prompt (the router's estimate errs high) all billed at the dearer of the input and cache-write
 * prices, plus the whole output allowance: the client's max_tokens, else the model's output
 * limit, else whatever its context window leaves. A flat-billed model (own hardware, a
 * subscription) costs nothing.
 */
export function worstCaseCostUsd(candidate: Candidate, needs: RequestNeeds, request: ChatRequest): number {
  if (candidate.provider.billing === "flat") return 0;
  const entry = candidate.entry;
  const limit = entry.maxOutput ?? Math.max(0, entry.contextWindow - needs.promptTokens);
  const output = Math.min(request.max_completion_tokens ?? request.max_tokens ?? limit, limit);
  const inputPrice = Math.max(entry.input, entry.cacheWrite ?? 0);
  return (needs.promptTokens * inputPrice + output * entry.output) / 1_000_000;
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
