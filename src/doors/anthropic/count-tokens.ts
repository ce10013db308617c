import type { ChatRequest } from "../../chat/request-schema";
import type { PipelineDeps } from "../../pipeline/context";
import type { Candidate } from "../../routing/candidate";
import { requestNeeds } from "../../routing/request-needs";
import { type TierHint, startingTier } from "../../routing/tier-hint";

/**
 * `POST /v1/messages/count_tokens`: the input tokens of a request, counted by the provider of the
 * model the request would go to when that provider can count (the Anthropic provider, through its
 * own count_tokens endpoint), else estimated as the router does (routing/request-needs.ts: about
 * 3.5 characters a token for text, tool definitions and text documents included, 1,000 tokens
 * an image, 3,000 a PDF page: routing/file-tokens.ts, 4 a message). The `x-token-count-source` header says which: the provider's id, or `estimate`. A
 * failed count (an error, no answer within UPSTREAM_TIMEOUT_MS, an answer without a count) falls
 * back to the estimate (a client sizing its context is better served by an estimate than by an
 * error), with a warning in the log.
 */
export interface TokenCount {
  tokens: number;
  source: string;
}

function servingCandidate(request: ChatRequest, tierHint: TierHint | undefined, deps: PipelineDeps): Candidate | undefined {
  const selection = deps.directory.select(request.model);
  if (selection.kind === "model") return selection.candidates.find((candidate) => candidate.provider.countTokens) ?? selection.candidates[0];
  const { tier } = startingTier(undefined, tierHint);
  try {
    return deps.routing.router.plan(selection, requestNeeds(request), tier, "unclassified").candidates[0];
  } catch {
    // No model could serve it (a missing capability, open circuits): the estimate still answers.
    return undefined;
  }
}

export async function countTokens(request: ChatRequest, tierHint: TierHint | undefined, deps: PipelineDeps, signal: AbortSignal): Promise<TokenCount> {
  const estimate = { tokens: requestNeeds(request).promptTokens, source: "estimate" };
  const candidate = servingCandidate(request, tierHint, deps);
  const provider = candidate?.provider;
  if (!candidate || !provider?.countTokens) return estimate;
  try {
    // The provider's count gets UPSTREAM_TIMEOUT_MS, as a message would to its first byte; then the estimate.
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(deps.upstreamTimeoutMs)]);
    return { tokens: await provider.countTokens({ request, model: candidate.model, signal: bounded }), source: provider.id };
  } catch (error) {
    deps.logger.warn("count_tokens failed upstream; answered with an estimate", { provider: provider.id, model: candidate.model, error: String(error) });
    return estimate;
  }
}
