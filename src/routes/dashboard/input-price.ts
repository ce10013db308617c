import type { InputPrice } from "../../db/dashboard/overview-queries";
import type { PipelineDeps } from "../../pipeline/context";

/**
 * The input price (USD per million tokens) the proxy pays for a model: the active provider's entry
 * (custom providers included), else the catalog's, else that of the listed model a dated snapshot
 * name stands for. A model a subscription pays for is priced 0.
 */
export function inputPriceOf(pipeline: Pick<PipelineDeps, "directory" | "catalog">): InputPrice {
  return (provider, model) =>
    pipeline.directory.find(provider, model)?.entry.input ?? pipeline.catalog.get(provider, model)?.input ?? pipeline.directory.snapshotOf(provider, model)?.entry.input;
}

/** What compression saved on one request at that price, or null when it did not run or the model is unknown. */
export function compressionSavedUsd(price: number | undefined, tokensBefore: number | null, tokensAfter: number | null): number | null {
  if (tokensBefore === null || tokensAfter === null || price === undefined) return null;
  return (Math.max(0, tokensBefore - tokensAfter) * price) / 1_000_000;
}
