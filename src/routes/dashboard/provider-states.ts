import { loadModelUsage } from "../../db/dashboard/providers-queries";
import { modelKey } from "../../catalog/model-key";
import { type Candidate, candidateKey } from "../../routing/candidate";
import { providerRegistry } from "../../providers/registry";
import type { ModelView, ProviderView } from "../../../views/pages/providers-page";
import type { DashboardDeps } from "./deps";

/**
 * Every provider the registry knows, active or not, with its models, circuit breakers and last 24
 * hours of use. A provider is only created when its credentials are configured, so "active"
 * means its credentials are present; "unreachable" is a configured local server that did not answer.
 */
const known: Record<string, { name: string; credentials: string; hint: string }> = {
  openai: { name: "OpenAI", credentials: "API key (OPENAI_API_KEY)", hint: "Set OPENAI_API_KEY to route to OpenAI models." },
  anthropic: { name: "Anthropic", credentials: "API key (ANTHROPIC_API_KEY)", hint: "Set ANTHROPIC_API_KEY to route to Claude models over the API." },
  "claude-cli": { name: "Claude CLI", credentials: "Claude subscription (the CLI's own login)", hint: "Off: CLAUDE_CLI_ENABLED=false. Remove it (and install the claude CLI and log in) to use a Claude subscription." },
  gemini: { name: "Google Gemini", credentials: "API key (GEMINI_API_KEY)", hint: "Set GEMINI_API_KEY to route to Gemini models." },
  ollama: { name: "Ollama", credentials: "none needed (local server)", hint: "Start Ollama (OLLAMA_BASE_URL) to route to local models; it is found while the proxy runs (OLLAMA_REFRESH_MS)." },
};

const DAY_MS = 86_400_000;

export async function loadProviderViews(deps: DashboardDeps, now: Date = new Date()): Promise<ProviderView[]> {
  const { directory, catalog, routing } = deps.pipeline;
  const usage = await loadModelUsage(deps.db, new Date(now.getTime() - DAY_MS), now);
  const breakers = new Map(routing.breakers.snapshot().map((breaker) => [breaker.key, breaker]));
  type Breaker = ReturnType<typeof routing.breakers.snapshot>[number];
  const breakerView = (breaker: Breaker) => ({ state: breaker.state, consecutiveFailures: breaker.consecutiveFailures, retryInMs: breaker.retryInMs, lastError: breaker.lastError && deps.pipeline.redactor.redact(breaker.lastError) });
  const usageView = (used: (typeof usage)[number]) => ({ requests: used.requests, failed: used.failed, cacheHits: used.cacheHits, meanLatencyMs: used.meanLatencyMs });
  const views: ProviderView[] = directory.activeProviders().map((provider) => {
    const custom = deps.config.customProviders.find((entry) => entry.id === provider.id);
    const modelView = (candidate: Pick<Candidate, "provider" | "model" | "entry">, used: (typeof usage)[number] | undefined): ModelView => {
      const entry = candidate.entry;
      const breaker = breakers.get(candidateKey(candidate));
      return {
        model: candidate.model,
        tier: entry.tier,
        input: entry.input,
        output: entry.output,
        cacheRead: entry.cacheRead,
        ...(entry.unpriced ? { unpriced: true } : {}),
        contextWindow: entry.contextWindow,
        capabilities: (["tools", "vision", "json", "reasoning"] as const).filter((capability) => entry.capabilities[capability]),
        breaker: breaker && breakerView(breaker),
        usage: used && usageView(used),
      };
    };
    const models: ModelView[] = directory
      .all()
      .filter((candidate) => candidate.provider.id === provider.id)
      .map((candidate) => modelView(candidate, usage.find((row) => row.provider === provider.id && row.model === candidate.model)));
    // A provider:model name the catalog does not list was passed through: its use counts too.
    for (const used of usage) {
      if (used.provider !== provider.id || models.some((model) => model.model === used.model)) continue;
      // A dated snapshot of a listed model is priced as that model (routing/model-directory.ts).
      const snapshot = directory.snapshotOf(provider.id, used.model);
      if (snapshot) {
        models.push(modelView({ ...snapshot, model: used.model, entry: { ...snapshot.entry, model: used.model } }, used));
        continue;
      }
      const breaker = breakers.get(modelKey(provider.id, used.model));
      models.push({
        model: used.model,
        tier: "not in the catalog",
        input: 0,
        output: 0,
        ...(provider.billing === "flat" ? {} : { unpriced: true }),
        contextWindow: undefined,
        capabilities: [],
        breaker: breaker && breakerView(breaker),
        usage: usageView(used),
      });
    }
    return {
      id: provider.id,
      name: provider.displayName,
      status: "active" as const,
      credentials: custom ? (custom.apiKey ? "API key (CUSTOM_PROVIDERS)" : "no key (local or open endpoint)") : (known[provider.id]?.credentials ?? "configured"),
      models,
    };
  });
  for (const entry of providerRegistry) {
    if (entry.id === "custom" || views.some((view) => view.id === entry.id)) continue;
    const description = known[entry.id];
    const configured = entry.configured(deps.config);
    const inactiveReason = configured ? deps.inactiveReasons?.get(entry.id) : undefined;
    views.push({
      id: entry.id,
      name: description?.name ?? entry.id,
      status: inactiveReason ? "inactive" : configured ? "unreachable" : "not configured",
      credentials: configured ? (description?.credentials ?? "configured") : "none",
      hint: inactiveReason ?? (configured ? `Configured, but it did not answer at start-up; the catalog lists ${catalog.forProvider(entry.id).length} models for it.` : description?.hint),
      models: [],
    });
  }
  return views;
}
