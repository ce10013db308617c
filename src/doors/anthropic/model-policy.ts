import type { Tier } from "../../catalog/catalog-entry";
import { ProxyError } from "../../errors";
import type { ModelDirectory } from "../../routing/model-directory";
import type { TierHint } from "../../routing/tier-hint";

/**
 * How the Anthropic door reads the model a client names (ANTHROPIC_DOOR_MODELS). Claude Code asks
 * for claude-opus-…, claude-sonnet-…, claude-haiku-… (or whatever ANTHROPIC_MODEL /
 * ANTHROPIC_SMALL_FAST_MODEL say):
 * - `exact` (the default when the Anthropic provider is active): the name is the model. A name
 *   the catalog does not list (a dated snapshot such as claude-sonnet-4-5-20250929, a new release)
 *   goes to the Anthropic provider as it is, when that provider is active.
 * - `auto` (the default otherwise): a Claude family name is a tier hint (haiku economy, sonnet
 *   standard, opus and fable premium) and the request is routed as `auto` from that tier, to
 *   whichever provider is cheapest there; background work stays economy (routing/tier-hint.ts).
 * Under both, `auto`, the tier names, aliases, `provider:model` and any listed model work as on
 * the OpenAI door.
 */
export type ModelPolicy = "exact" | "auto";

export interface ResolvedModel {
  /** The model name the pipeline routes. */
  model: string;
  tierHint?: TierHint;
}

const families: Array<[RegExp, Tier]> = [
  [/haiku/i, "economy"],
  [/sonnet/i, "standard"],
  [/opus|fable/i, "premium"],
];

/** The tier a Claude model name stands for, if it is one. */
export function claudeFamilyTier(name: string): Tier | undefined {
  // A provider:model name is a choice ("claude-cli:claude-sonnet-5-5" starts with claude- too).
  if (!/^claude-/i.test(name) || name.includes(":")) return undefined;
  return families.find(([pattern]) => pattern.test(name))?.[1];
}

export function defaultModelPolicy(directory: ModelDirectory): ModelPolicy {
  return directory.activeProviders().some((provider) => provider.id === "anthropic") ? "exact" : "auto";
}

export function resolveModel(name: string, policy: ModelPolicy, directory: ModelDirectory): ResolvedModel {
  const tier = claudeFamilyTier(name);
  if (policy === "auto" && tier) return { model: "auto", tierHint: { tier, reason: `${name} asks for ${tier}` } };
  if (policy === "exact" && tier && !isListed(name, directory) && directory.activeProviders().some((provider) => provider.id === "anthropic")) {
    return { model: `anthropic:${name}` };
  }
  return { model: name };
}

function isListed(name: string, directory: ModelDirectory): boolean {
  try {
    directory.select(name);
    return true;
  } catch (error) {
    if (error instanceof ProxyError && error.status === 404) return false;
    throw error;
  }
}
