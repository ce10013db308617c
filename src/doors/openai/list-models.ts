import type { ModelDirectory } from "../../routing/model-directory";
import { AUTO_MODEL } from "../../routing/model-directory";
import { TIERS } from "../../catalog/catalog-entry";
import { candidateKey } from "../../routing/candidate";
import { listedSinceSeconds } from "../listed-since";

/**
 * The /v1/models list: real models of active providers, then aliases, tiers and `auto`, so tools
 * with a model picker offer them all. Extra fields (`tier`, prices) help humans; clients ignore them.
 */
export function listModels(directory: ModelDirectory) {
  const created = listedSinceSeconds();
  const models = directory.all().map((candidate) => ({
    id: directory.publicName(candidate),
    object: "model" as const,
    created,
    owned_by: candidate.provider.id,
    tier: candidate.entry.tier,
    context_window: candidate.entry.contextWindow,
    price_per_million: { input: candidate.entry.input, output: candidate.entry.output },
  }));
  const taken = new Set(models.map((model) => model.id));
  const aliases = [...directory.aliases().entries()]
    .filter(([alias]) => !taken.has(alias))
    .map(([alias, candidates]) => ({ id: alias, object: "model" as const, created, owned_by: "claude-proxy", alias_for: candidates.map(candidateKey) }));
  const routed = [...TIERS, AUTO_MODEL].map((id) => ({
    id,
    object: "model" as const,
    created,
    owned_by: "claude-proxy",
    description: id === AUTO_MODEL ? "The proxy picks the cheapest model able to do the task." : `The cheapest active ${id} model.`,
  }));
  return [...models, ...aliases, ...routed];
}
