import { requestNeeds } from "../../routing/request-needs";
import type { Stage } from "../context";

/** Resolves the requested model, tier or `auto` into an ordered list of candidates. */
export const route: Stage = async (context, deps) => {
  const selection = deps.directory.select(context.request.model);
  const needs = (context.needs ??= requestNeeds(context.request));
  const classification = context.classification;
  const plan = deps.routing.router.plan(selection, needs, classification?.tier ?? "standard", classification?.category ?? "unclassified");
  // For `auto`, say why the classifier chose the tier: its score and strongest reasons.
  if (selection.kind === "auto" && classification) {
    const why = classification.reasons.slice(0, 3).join(", ");
    plan.reason = plan.reason.replace(/^auto: /, `auto: score ${classification.score}${why ? ` (${why})` : ""} -> `);
  }
  context.route = plan;
  return undefined;
};
