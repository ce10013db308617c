import { ProxyError } from "../errors";
import type { LLMProvider, ProviderModel } from "../providers/types";
import { type Candidate, candidateKey } from "./candidate";
import { closestNames } from "./closest-names";
import { checkPrefixedModelName } from "./model-name-rules";
import { type CatalogEntry, TIERS, type Tier } from "../catalog/catalog-entry";
import type { ModelCatalog } from "../catalog/model-catalog";

/**
 * The models of the active providers, each with its catalog entry, and resolution of a client's
 * `model` string: an exact name (`gpt-4o-mini`), a provider prefix (`openai:gpt-4o`,
 * `ollama:qwen2.5-coder:7b`), an alias (`sonnet`), a tier (`economy`, `standard`, `premium`) or
 * `auto`. When several providers serve the same model, DEFAULT_PROVIDER comes first, then
 * registry order; the router orders them by cost.
 */
export type ModelSelection =
  /** `unlisted`: a `provider:model` the catalog does not list, passed through as is (its tier and price are unknown). */
  | { kind: "model"; candidates: Candidate[]; label: string; unlisted?: true }
  | { kind: "tier"; tier: Tier }
  | { kind: "auto" };

export const AUTO_MODEL = "auto";

/** What makes a provider active, for the errors a proxy without one answers (here and router.ts). */
export const NO_PROVIDER_HELP =
  "set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or CUSTOM_PROVIDERS (or log the claude CLI in) and restart the proxy, or start Ollama (looked for every OLLAMA_REFRESH_MS)";

export class ModelDirectory {
  private providers: LLMProvider[] = [];
  private models: Candidate[] = [];

  private constructor(
    private readonly catalog: ModelCatalog,
    private readonly defaultProvider: string | undefined,
  ) {}

  static async build(providers: LLMProvider[], catalog: ModelCatalog, defaultProvider?: string): Promise<ModelDirectory> {
    const directory = new ModelDirectory(catalog, defaultProvider);
    await directory.load(providers);
    return directory;
  }

  /**
   * Reads every provider's models again, with `added` among the providers (one found after
   * start-up). Requests already routed keep the candidates they were given.
   */
  async reload(added: LLMProvider[] = []): Promise<void> {
    await this.load([...this.providers, ...added]);
  }

  private async load(providers: LLMProvider[]): Promise<void> {
    const defaultProvider = this.defaultProvider;
    const ordered = [...providers].sort((a, b) => Number(b.id === defaultProvider) - Number(a.id === defaultProvider));
    const lists = await Promise.all(ordered.map((provider) => provider.listModels()));
    this.models = ordered.flatMap((provider, index) =>
      (lists[index] ?? []).map((model) => ({
        provider,
        model: model.id,
        entry: withReported(this.catalog.get(provider.id, model.id) ?? uncatalogued(provider, model), model),
      })),
    );
    this.providers = ordered;
  }

  activeProviders(): LLMProvider[] {
    return this.providers;
  }

  all(): Candidate[] {
    return this.models;
  }

  inTier(tier: Tier): Candidate[] {
    return this.models.filter((candidate) => candidate.entry.tier === tier);
  }

  find(providerId: string, model: string): Candidate | undefined {
    return this.models.find((candidate) => candidate.provider.id === providerId && candidate.model === model);
  }

  /** The listed model a dated snapshot name of this provider stands for (listedSnapshot below). */
  snapshotOf(providerId: string, model: string): Candidate | undefined {
    return listedSnapshot(this.models.filter((candidate) => candidate.provider.id === providerId), model);
  }

  /** Public name of a model: bare when unique, `provider:model` when another provider has it too. */
  publicName(candidate: Candidate): string {
    const first = this.models.find((other) => other.model === candidate.model);
    return first === candidate ? candidate.model : candidateKey(candidate);
  }

  /** Aliases of the active models, each with the models it stands for. */
  aliases(): Map<string, Candidate[]> {
    const aliases = new Map<string, Candidate[]>();
    for (const candidate of this.models) {
      for (const alias of candidate.entry.aliases) aliases.set(alias, [...(aliases.get(alias) ?? []), candidate]);
    }
    return aliases;
  }

  select(name: string): ModelSelection {
    const lower = name.toLowerCase();
    if (lower === AUTO_MODEL) return { kind: "auto" };
    if ((TIERS as readonly string[]).includes(lower)) return { kind: "tier", tier: lower as Tier };
    const separator = name.indexOf(":");
    if (separator > 0) {
      const providerId = name.slice(0, separator);
      if (this.providers.some((provider) => provider.id === providerId)) {
        const inProvider = this.models.filter((candidate) => candidate.provider.id === providerId);
        const model = name.slice(separator + 1);
        const found = byName(inProvider, model);
        if (found.length > 0) return { kind: "model", candidates: found, label: name };
        // An explicit provider prefix passes a model the catalog does not know (new releases,
        // fine-tunes, a model pulled after start-up) straight to that provider; its cost is unknown.
        const provider = this.providers.find((candidate) => candidate.id === providerId)!;
        if (model.trim() !== "") {
          checkPrefixedModelName(provider, model);
          const snapshotOf = listedSnapshot(inProvider, model);
          if (snapshotOf) return { kind: "model", candidates: [{ provider, model, entry: { ...snapshotOf.entry, model } }], label: name };
          return { kind: "model", candidates: [{ provider, model, entry: uncatalogued(provider, { id: model }) }], label: name, unlisted: true };
        }
      }
    }
    const exact = byName(this.models, name);
    if (exact.length > 0) return { kind: "model", candidates: exact, label: name };
    const aliased = this.aliases().get(lower);
    if (aliased) return { kind: "model", candidates: aliased, label: name };
    throw this.notFound(name, this.listedNames());
  }

  /** Every name a client may send: models, aliases, tiers and auto. */
  listedNames(): string[] {
    return [...new Set([...this.models.map((candidate) => this.publicName(candidate)), ...this.aliases().keys(), ...TIERS, AUTO_MODEL])];
  }

  private notFound(name: string, names: string[]): ProxyError {
    const close = closestNames(name, names, 3);
    const available =
      this.models.length === 0
        ? `no models: no provider is active (${NO_PROVIDER_HELP})`
        : names.slice(0, 40).join(", ") + (names.length > 40 ? ", …" : "");
    const suggestion = close.length > 0 ? ` Did you mean ${close.map((value) => `'${value}'`).join(" or ")}?` : "";
    const prefixHint = this.providers.length > 0 ? ` To send a model the catalog does not list, prefix it with its provider (${this.providers[0]!.id}:<model>).` : "";
    // The name is echoed back, cut short: a client's mistake should not double the size of its error.
    const shown = name.length > 120 ? `${name.slice(0, 120)}…` : name;
    return new ProxyError(404, `The model '${shown}' does not exist or no active provider serves it.${suggestion}${prefixHint} Available: ${available}.`, {
      type: "invalid_request_error",
      code: "model_not_found",
      param: "model",
    });
  }
}

/**
 * The listed model a dated snapshot name stands for (`claude-haiku-4-5-20251001`,
 * `gpt-4o-mini-2024-07-18`): the same model, so the same prices, tier and capabilities. Unpriced,
 * it would be spent past every budget.
 */
function listedSnapshot(candidates: Candidate[], model: string): Candidate | undefined {
  const dated = /^(.+)-(?:\d{8}|\d{4}-\d{2}-\d{2})$/.exec(model);
  return dated ? candidates.find((candidate) => candidate.model === dated[1]) : undefined;
}

function byName(candidates: Candidate[], name: string): Candidate[] {
  const exact = candidates.filter((candidate) => candidate.model === name);
  // Ollama names carry a tag; `qwen2.5-coder` means `qwen2.5-coder:latest`.
  return exact.length > 0 ? exact : candidates.filter((candidate) => candidate.model === `${name}:latest`);
}

/** What the upstream says the model can do narrows what the catalog (or its provider) assumes. */
function withReported(entry: CatalogEntry, model: ProviderModel): CatalogEntry {
  const reported = model.capabilities;
  if (!reported) return entry;
  const { capabilities } = entry;
  return {
    ...entry,
    capabilities: { ...capabilities, tools: capabilities.tools && reported.tools, vision: capabilities.vision && reported.vision, reasoning: capabilities.reasoning && reported.reasoning },
  };
}

/**
 * A model the catalog does not list (a pulled Ollama model, an unknown custom one): free, tier
 * guessed from its size when known (local models under 20B parameters are economy), capabilities
 * those of its provider.
 */
function uncatalogued(provider: LLMProvider, model: ProviderModel): CatalogEntry {
  const size = model.parameterBillions;
  // Only local models are known to be free; anything else is a model the catalog has no price for.
  const tier: Tier = size === undefined ? "economy" : size < 20 ? "economy" : size < 100 ? "standard" : "premium";
  return {
    provider: provider.id,
    model: model.id,
    tier,
    input: 0,
    output: 0,
    contextWindow: model.contextWindow ?? 32_768,
    capabilities: {
      tools: provider.capabilities.tools,
      vision: provider.capabilities.vision,
      json: provider.capabilities.jsonMode,
      reasoning: provider.capabilities.reasoning,
    },
    aliases: [],
    source: "not in the catalog: price unknown (recorded as $0), tier from model size",
    // A flat-billed provider's model (own hardware, a subscription) is free; any other is unpriced.
    ...(provider.billing === "flat" ? {} : { unpriced: true as const }),
  };
}
