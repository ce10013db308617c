import { ProxyError } from "../errors";
import type { Candidate } from "../pipeline/context";
import type { LLMProvider } from "../providers/types";
import type { ModelCatalog } from "./model-catalog";

/**
 * The models of the active providers, and resolution of a client's `model` string onto one of
 * them: an exact name (`gpt-4o-mini`) or a provider prefix (`openai:gpt-4o`, `ollama:qwen2.5-coder:7b`).
 * When two providers serve the same name, DEFAULT_PROVIDER wins, then registry order.
 */
export class ModelDirectory {
  private constructor(
    private readonly providers: LLMProvider[],
    private readonly models: Candidate[],
  ) {}

  static async build(providers: LLMProvider[], catalog: ModelCatalog, defaultProvider?: string): Promise<ModelDirectory> {
    const ordered = [...providers].sort(
      (a, b) => Number(b.id === defaultProvider) - Number(a.id === defaultProvider),
    );
    const lists = await Promise.all(ordered.map((provider) => provider.listModels()));
    const models = ordered.flatMap((provider, index) =>
      (lists[index] ?? []).map((model) => ({ provider, model: model.id, entry: catalog.get(provider.id, model.id) })),
    );
    return new ModelDirectory(ordered, models);
  }

  activeProviders(): LLMProvider[] {
    return this.providers;
  }

  all(): Candidate[] {
    return this.models;
  }

  /** Public name of a model: bare when unique, `provider:model` when another provider has it too. */
  publicName(candidate: Candidate): string {
    const first = this.models.find((other) => other.model === candidate.model);
    return first === candidate ? candidate.model : `${candidate.provider.id}:${candidate.model}`;
  }

  resolve(name: string): Candidate {
    const separator = name.indexOf(":");
    if (separator > 0) {
      const providerId = name.slice(0, separator);
      if (this.providers.some((provider) => provider.id === providerId)) {
        const inProvider = this.models.filter((candidate) => candidate.provider.id === providerId);
        const found = findByName(inProvider, name.slice(separator + 1));
        if (found) return found;
        throw this.notFound(name, inProvider);
      }
    }
    const found = findByName(this.models, name);
    if (found) return found;
    throw this.notFound(name, this.models);
  }

  private notFound(name: string, among: Candidate[]): ProxyError {
    const names = among.map((candidate) => this.publicName(candidate));
    const close = closestNames(name, names, 3);
    const available = names.length === 0 ? "no models: no provider is active (set OPENAI_API_KEY, CUSTOM_PROVIDERS, or run Ollama)" : names.slice(0, 30).join(", ") + (names.length > 30 ? ", …" : "");
    const suggestion = close.length > 0 ? ` Did you mean ${close.map((value) => `'${value}'`).join(" or ")}?` : "";
    return new ProxyError(404, `The model '${name}' does not exist or no active provider serves it.${suggestion} Available: ${available}.`, {
      type: "invalid_request_error",
      code: "model_not_found",
      param: "model",
    });
  }
}

function findByName(candidates: Candidate[], name: string): Candidate | undefined {
  return (
    candidates.find((candidate) => candidate.model === name) ??
    // Ollama names carry a tag; `qwen2.5-coder` means `qwen2.5-coder:latest`.
    candidates.find((candidate) => candidate.model === `${name}:latest`)
  );
}

function closestNames(name: string, names: string[], count: number): string[] {
  const target = name.toLowerCase();
  return names
    .map((candidate) => ({ candidate, distance: editDistance(target, candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(candidate.length / 3)) || candidate.toLowerCase().includes(target))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
