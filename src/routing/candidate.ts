import type { CatalogEntry } from "../catalog/catalog-entry";
import { modelKey } from "../catalog/model-key";
import type { LLMProvider } from "../providers/types";

/** One model of one provider that may serve the request. */
export interface Candidate {
  provider: LLMProvider;
  model: string;
  entry: CatalogEntry;
}

/** The candidate's `provider:model` key (see catalog/model-key.ts): what breakers and success rates count by. */
export const candidateKey = (candidate: Pick<Candidate, "model"> & { provider: Pick<LLMProvider, "id"> }): string => modelKey(candidate.provider.id, candidate.model);
