import { requestNeeds } from "../../routing/request-needs";
import { startingTier } from "../../routing/tier-hint";
import type { Stage } from "../context";

/** Resolves the requested model, tier or `auto` into an ordered list of candidates; `auto` starts from the door's tier hint, if any. */
export const route: Stage = async (context, deps) => {
  const selection = deps.directory.select(context.request.model);
  const classification = context.classification;
  const needs = requestNeeds(context.request);
  const { tier, evidence } = startingTier(classification, context.tierHint);
  context.route = deps.routing.router.plan(selection, needs, tier, classification?.category ?? "unclassified", evidence);
  return undefined;
};
