import type { InputPrice } from "../../db/dashboard/overview-queries";
import type { RequestLogEntry } from "../../db/dashboard/requests-queries";
import { compressionSavedUsd } from "./input-price";

type SavingFields = Pick<RequestLogEntry, "baselineCostUsd" | "costUsd" | "cacheSavedUsd" | "compressionTokensBefore" | "compressionTokensAfter" | "provider" | "model">;

/**
 * What one request saved, counted as the overview counts it: routing and subscription (the
 * baseline's cost minus the request's), a cache hit's stored cost, and compression's tokens at the
 * model's input price. Null when none of them applies (an error, a request without a baseline).
 */
export function requestSavedUsd(row: SavingFields, inputPrice: InputPrice): number | null {
  const price = row.provider && row.model ? inputPrice(row.provider, row.model) : undefined;
  const parts = [
    row.baselineCostUsd === null ? null : row.baselineCostUsd - row.costUsd,
    row.cacheSavedUsd,
    compressionSavedUsd(price, row.compressionTokensBefore, row.compressionTokensAfter),
  ].filter((part): part is number => part !== null);
  return parts.length === 0 ? null : parts.reduce((sum, part) => sum + part, 0);
}

export type RequestWithSaving = RequestLogEntry & { savedUsd: number | null };

export const withSaving = (rows: RequestLogEntry[], inputPrice: InputPrice): RequestWithSaving[] => rows.map((row) => ({ ...row, savedUsd: requestSavedUsd(row, inputPrice) }));
