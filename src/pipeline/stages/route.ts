import { requestNeeds } from "../../routing/request-needs";
import type { Stage } from "../context";

/** Resolves the requested model, tier or `auto` into an ordered list of candidates. */
export const route: Stage = async (context, deps) => {
  const selection = deps.directory.select(context.request.model);
  const classification = context.classification;
  const needs = requestNeeds(context.request);
  context.route = deps.routing.router.plan(selection, needs, classification?.tier ?? "standard", classification?.category ?? "unclassified", classification);
  return undefined;
};
