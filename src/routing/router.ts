import { ProxyError } from "../errors";
import type { CircuitBreakers } from "./circuit-breakers";
import { TIERS, type Tier } from "../catalog/catalog-entry";
import { costUsd } from "../catalog/request-cost";
import { type Candidate, candidateKey } from "./candidate";
import type { Classification } from "./classifier/classify-request";
import { type ModelDirectory, type ModelSelection, NO_PROVIDER_HELP } from "./model-directory";
import type { RequestNeeds } from "./request-needs";
import type { SuccessRates } from "./success-rates";

/**
 * Turns a model selection into an ordered list of candidates: the first is served, the rest are
 * the fallback chain. For a tier or `auto`: every active model of the tier that can serve the
 * request (tools, vision, JSON, context window), cheapest first by this request's estimated cost
 * (DEFAULT_PROVIDER breaks ties), minus models whose circuit is open or whose success rate in this
 * category is under the threshold; then the same for each tier above. For a named model: the
 * providers that serve it, cheapest first.
 */
export interface RoutePlan {
  candidates: Candidate[];
  tier: Tier | undefined;
  reason: string;
  /** The proxy chose the model (`auto` or a tier, or a budget's downgrade: stages/budget.ts); false when the client named it. Only a routed request saves against the baseline. */
  routed: boolean;
}

/** What the classifier found, quoted in the reason of an `auto` route. */
export type ClassifierEvidence = Pick<Classification, "score" | "reasons">;

export interface RouterOptions {
  successThreshold: number;
  successMinSamples: number;
  defaultProvider: string | undefined;
  maxCandidates?: number;
}

const UNLISTED_NOTE = "not in the catalog: passed through as is, no tier, price unknown (recorded as $0)";

export class Router {
  constructor(
    private readonly directory: ModelDirectory,
    private readonly breakers: CircuitBreakers,
    private readonly successRates: SuccessRates,
    private readonly options: RouterOptions,
  ) {}

  plan(selection: ModelSelection, needs: RequestNeeds, classifiedTier: Tier, category: string, evidence?: ClassifierEvidence): RoutePlan {
    if (needs.customTools || needs.serverTools) {
      const pool = selection.kind === "model" ? selection.candidates : this.directory.all();
      if (needs.customTools) requireProvider(pool, "customTools", CUSTOM_TOOLS_REFUSAL);
      if (needs.serverTools) requireProvider(pool, "serverTools", serverToolsRefusal(needs, selection.kind === "model" ? selection.label : selection.kind === "tier" ? selection.tier : "auto"));
    }
    if (selection.kind === "model") {
      // Among providers of the named model, those that can serve the request (e.g. run client
      // tools) are the only candidates; if none can, the user's explicit choice stands.
      const capable = selection.candidates.filter((candidate) => canServe(candidate, needs));
      const ordered = this.byCost(capable.length > 0 ? capable : selection.candidates, needs);
      const available = ordered.filter((candidate) => this.breakers.isAvailable(candidateKey(candidate)));
      if (available.length === 0) throw circuitOpen(selection.label, this.soonestProbeMs(ordered), this.firstToReopen(ordered));
      // A passed-through model's entry carries a placeholder tier: none was chosen, so none is reported (x-tier, the log).
      if (selection.unlisted) return { candidates: available, tier: undefined, reason: `requested ${selection.label}; ${UNLISTED_NOTE}`, routed: false };
      return { candidates: available, tier: available[0]!.entry.tier, reason: `requested ${selection.label}`, routed: false };
    }

    const startTier = selection.kind === "tier" ? selection.tier : classifiedTier;
    const notes: string[] = [];
    const chain: Candidate[] = [];
    const demoted: Candidate[] = [];
    for (const tier of TIERS.slice(TIERS.indexOf(startTier))) {
      const { usable, lowSuccess } = this.usable(tier, needs, category, notes);
      if (usable.length === 0 && chain.length === 0 && tier !== "premium") notes.push(`no usable ${tier} model, escalated`);
      chain.push(...usable);
      demoted.push(...lowSuccess);
    }
    // Nothing at or above the tier (e.g. only small local models are active): best of what is below.
    if (chain.length === 0) {
      for (const tier of TIERS.slice(0, TIERS.indexOf(startTier)).reverse()) chain.push(...this.usable(tier, needs, category, notes).usable);
      if (chain.length > 0) notes.push(`no ${startTier} model active, using ${chain[0]!.entry.tier}`);
    }
    // A low success rate demotes a model to the end of the chain; it never makes a request fail.
    chain.push(...demoted);
    if (chain.length === 0) {
      // No model at all (a fresh start before any provider is configured): say so, not "prompt is too long … > 0 maximum".
      if (this.directory.all().length === 0) throw noActiveProvider();
      // Longer than every active model can hold: the client's to shorten (a 400), not a server failure.
      const largest = this.largestContextWindow();
      if (needs.promptTokens > largest) throw promptTooLong(needs.promptTokens, largest);
      // Models that could serve exist but every one's circuit is open: the same failure as a named
      // model's open circuit (an overload to back off from), not a missing capability.
      const capable = this.directory.all().filter((candidate) => canServe(candidate, needs));
      const allOpen = capable.length > 0 && capable.every((candidate) => !this.breakers.isAvailable(candidateKey(candidate)));
      throw noCandidate(startTier, needs, [...notes, ...this.missingCapabilities(needs)], allOpen ? "circuit_open" : "no_capable_model", allOpen ? this.soonestProbeMs(capable) : undefined);
    }

    const chosen = chain[0]!;
    const origin = selection.kind === "tier" ? `tier ${startTier}` : `auto: ${evidence ? scoreNote(evidence) : ""}${startTier}`;
    const reason = [`${origin}`, `cheapest ${chosen.entry.tier} ${candidateKey(chosen)}`, ...notes].join("; ");
    return { candidates: chain.slice(0, this.options.maxCandidates ?? 5), tier: chosen.entry.tier, reason, routed: true };
  }

  /** How long until the first of these models' open breakers lets a probe through. */
  private soonestProbeMs(candidates: readonly Candidate[]): number {
    return Math.min(...candidates.map((candidate) => this.breakers.retryInMs(candidateKey(candidate))));
  }

  /** The open breaker among these that reopens first: what the client is told about the wait. */
  private firstToReopen(candidates: readonly Candidate[]): { reopensAt: number; lastError: string | undefined } | undefined {
    const open = candidates.flatMap((candidate) => this.breakers.openInfo(candidateKey(candidate)) ?? []);
    return open.sort((a, b) => a.reopensAt - b.reopensAt)[0];
  }

  /** Why active providers cannot serve: for the error that tells the user what to change. */
  private missingCapabilities(needs: RequestNeeds): string[] {
    const providers = this.directory.activeProviders();
    // A provider lacks it when none of its models has it (Ollama says so per model).
    const lacking = (capability: "tools" | "vision") =>
      providers
        .filter((provider) => !provider.capabilities[capability] || !this.directory.all().some((candidate) => candidate.provider === provider && candidate.entry.capabilities[capability]))
        .map((provider) => provider.id);
    const notes: string[] = [];
    if (needs.tools && lacking("tools").length > 0) notes.push(`${lacking("tools").join(", ")} cannot run client tools (name <provider>:<model> to use one without them)`);
    if (needs.vision && lacking("vision").length > 0) notes.push(`${lacking("vision").join(", ")} cannot read images`);
    const largest = this.largestContextWindow();
    if (needs.promptTokens > largest) notes.push(`the largest active context window is ${largest} tokens`);
    return notes;
  }

  private largestContextWindow(): number {
    return Math.max(0, ...this.directory.all().map((candidate) => candidate.entry.contextWindow));
  }

  /** Capable models of a tier with a closed circuit, cheapest first, split by success rate. */
  private usable(tier: Tier, needs: RequestNeeds, category: string, notes: string[]): { usable: Candidate[]; lowSuccess: Candidate[] } {
    const usable: Candidate[] = [];
    const lowSuccess: Candidate[] = [];
    for (const candidate of this.byCost(this.directory.inTier(tier).filter((candidate) => canServe(candidate, needs)), needs)) {
      const key = candidateKey(candidate);
      if (!this.breakers.isAvailable(key)) {
        notes.push(`${key} circuit open`);
        continue;
      }
      const { rate, samples } = this.successRates.rate(category, key);
      if (samples >= this.options.successMinSamples && rate < this.options.successThreshold) {
        notes.push(`${key} success ${Math.round(rate * 100)}% in ${category}`);
        lowSuccess.push(candidate);
        continue;
      }
      usable.push(candidate);
    }
    return { usable, lowSuccess };
  }

  private byCost(candidates: Candidate[], needs: RequestNeeds): Candidate[] {
    const usage = { tokensIn: needs.promptTokens, tokensOut: needs.outputTokens, cachedTokens: 0, cacheWriteTokens: 0 };
    return candidates
      .map((candidate) => ({ candidate, cost: costUsd(candidate.entry, usage) }))
      .sort(
        (a, b) =>
          a.cost - b.cost ||
          Number(b.candidate.provider.id === this.options.defaultProvider) - Number(a.candidate.provider.id === this.options.defaultProvider),
      )
      .map(({ candidate }) => candidate);
  }
}

export function canServe(candidate: Candidate, needs: RequestNeeds): boolean {
  const capabilities = candidate.entry.capabilities;
  if (needs.tools && !(capabilities.tools && candidate.provider.capabilities.tools)) return false;
  if (needs.customTools && !candidate.provider.capabilities.customTools) return false;
  if (needs.serverTools && !candidate.provider.capabilities.serverTools) return false;
  if (needs.vision && !(capabilities.vision && candidate.provider.capabilities.vision)) return false;
  if (needs.json && !capabilities.json) return false;
  if (needs.reasoning && !capabilities.reasoning) return false;
  if (candidate.entry.contextWindow < needs.promptTokens + Math.min(needs.outputTokens, candidate.entry.maxOutput ?? needs.outputTokens)) return false;
  return candidate.provider.rejectionReason?.(needs.request, candidate.model) === undefined;
}

/** For `auto`: the classifier's score and its three strongest reasons, e.g. `score 12 (short question, no code) -> `. */
function scoreNote(evidence: ClassifierEvidence): string {
  const why = evidence.reasons.slice(0, 3).join(", ");
  return `score ${evidence.score}${why ? ` (${why})` : ""} -> `;
}

/**
 * Tools only one kind of provider runs: OpenAI's custom tools mean nothing to other providers, and
 * Anthropic's server tools run on Anthropic's servers (another provider would answer without the
 * search, fetch or code run asked for). Dropping them would change what the model can do: when no
 * candidate runs them, a 400 naming them instead.
 */
function requireProvider(candidates: readonly Candidate[], capability: "customTools" | "serverTools", refusal: string): void {
  if (candidates.some((candidate) => candidate.provider.capabilities[capability])) return;
  throw new ProxyError(400, refusal, { type: "invalid_request_error", code: "unsupported_tool_type", param: "tools" });
}

const CUSTOM_TOOLS_REFUSAL =
  'tools: custom tools (type "custom") and a custom tool_choice are taken only by OpenAI models, and none can serve this request. Use function tools, or name an OpenAI model with OPENAI_API_KEY set.';

function serverToolsRefusal(needs: RequestNeeds, label: string): string {
  const names = (needs.request.anthropic?.server_tools ?? []).map((tool) => String(tool.type ?? tool.name));
  return `tools: ${[...new Set(names)].join(", ")} ${names.length > 1 ? "are server tools" : "is a server tool"} that only the Anthropic API runs, and no Anthropic model can serve '${label}'. Name a Claude model with ANTHROPIC_API_KEY set, or leave the server tool out.`;
}

/**
 * Sent as `retry-after`, so a client's retries wait for the breaker's probe instead of hitting it
 * open. Only a wait of up to a minute: the Anthropic SDK sleeps as long as any retry-after says
 * (a subscription's usage limit pauses a breaker for hours), the OpenAI SDK ignores longer ones.
 */
const MAX_RETRY_AFTER_MS = 60_000;
const retryAfter = (retryInMs: number | undefined) =>
  retryInMs === undefined || retryInMs > MAX_RETRY_AFTER_MS ? undefined : Math.max(1, Math.ceil(retryInMs / 1000));

/**
 * Says why (the error that opened the breaker: a usage limit, a lost login) and how long: a
 * subscription's limit pauses for hours, where "retry shortly" would send the user back in vain.
 */
function circuitOpen(label: string, retryInMs: number, open?: { reopensAt: number; lastError: string | undefined }): ProxyError {
  // None open: each is half-open, with its one probe request under way.
  const wait = !open
    ? "half-open: a probe request is testing it now"
    : retryInMs > MAX_RETRY_AFTER_MS
      ? `open until ${new Date(open.reopensAt).toISOString()}`
      : `open for ${Math.max(1, Math.ceil(retryInMs / 1000))} s more`;
  const last = open?.lastError?.slice(0, 300).trim();
  const why = last ? ` Last error: ${last}${/[.!?)]$/.test(last) ? "" : "."}` : "";
  const message = `Every provider of '${label}' failed; its circuit breaker is ${wait}.${why} Pick another model${retryInMs > MAX_RETRY_AFTER_MS ? "" : " or retry then"}.`;
  return new ProxyError(503, message, {
    type: "upstream_error",
    code: "circuit_open",
    retryAfterSeconds: retryAfter(retryInMs),
  });
}

function noCandidate(tier: Tier, needs: RequestNeeds, notes: string[], code: "no_capable_model" | "circuit_open", retryInMs?: number): ProxyError {
  const wants = [needs.tools && "tools", needs.vision && "vision", needs.json && "JSON output", needs.reasoning && "reasoning", `${needs.promptTokens} prompt tokens`].filter(Boolean).join(", ");
  const why = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  return new ProxyError(503, `No active model can serve this ${tier} request (needs ${wants})${why}.`, {
    type: code === "circuit_open" ? "upstream_error" : "server_error",
    code,
    retryAfterSeconds: retryAfter(retryInMs),
  });
}

function noActiveProvider(): ProxyError {
  return new ProxyError(
    503,
    `No provider is active, so no model can answer: ${NO_PROVIDER_HELP}. The start-up log names the active providers.`,
    { type: "server_error", code: "no_active_provider", final: true },
  );
}

/** Worded as Anthropic words it (Claude Code compacts on it), with OpenAI's code for OpenAI clients. */
function promptTooLong(promptTokens: number, largest: number): ProxyError {
  return new ProxyError(
    400,
    `prompt is too long: ${promptTokens} tokens > ${largest} maximum (an estimate; ${largest} tokens is the largest context window of any active model). Shorten the conversation or enable a provider with a larger context window.`,
    { type: "invalid_request_error", code: "context_length_exceeded", param: "messages" },
  );
}
