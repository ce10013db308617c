import { classifyRequest } from "../../routing/classifier/classify-request";
import { requestNeeds } from "../../routing/request-needs";
import type { Stage } from "../context";

/** Scores how hard the task is (for `auto`, and for the log and success rates) and what it needs. */
export const classify: Stage = async (context, deps) => {
  context.classification = classifyRequest(context.request, deps.routing.thresholds);
  context.needs = requestNeeds(context.request);
  return undefined;
};
