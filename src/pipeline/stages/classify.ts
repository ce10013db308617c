import { classifyRequest } from "../../routing/classifier/classify-request";
import type { Stage } from "../context";

/** Scores how hard the task is (for `auto`, and for the log and success rates). */
export const classify: Stage = async (context, deps) => {
  context.classification = classifyRequest(context.request, deps.routing.thresholds);
  return undefined;
};
