import { requestNeeds } from "../routing/request-needs";
import type { Stage } from "./context";

/** Resolves the requested model, tier or `auto` into an ordered list of candidates. */
export const route: Stage = async (context, deps) => {
  const selection = deps.directory.select(context.request.model);
  const needs = (context.needs ??= requestNeeds(context.request));
  const classification = context.classification;
  context.route = deps.routing.router.plan(selection, needs, classification?.tier ?? "standard", classification?.category ?? "unclassified");
  return undefined;
};
