import type { ChatRequest } from "../../chat/request-schema";
import { type BackgroundKind, detectBackgroundKind } from "./background-kind";
import { extractTaskText } from "./extract-task-text";
import { type FeatureFacts, type FeatureVector, computeFeatures } from "./features";

/** What the classifier reads from a request: a background kind (decided by rule) or the model's features. */
export interface RequestDescription {
  background: BackgroundKind | undefined;
  vector: FeatureVector;
  facts: FeatureFacts;
}

export function describeRequest(request: ChatRequest): RequestDescription {
  const text = extractTaskText(request);
  const background = detectBackgroundKind(request, text);
  // Not a spread of computeFeatures' result: the same object, its two keys named.
  const { vector, facts } = computeFeatures(request, text);
  return { background, vector, facts };
}
