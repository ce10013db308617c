/** What the compress stage did since start-up (GET /api/compression). */
export interface CompressionCounters {
  /** Requests compression ran on. */
  requests: number;
  /** Of those, requests it changed. */
  changed: number;
  tokensBefore: number;
  tokensAfter: number;
  /** Steps that failed and were skipped, and requests it failed on as a whole. */
  skippedSteps: number;
  failures: number;
}

export function emptyCompressionCounters(): CompressionCounters {
  return { requests: 0, changed: 0, tokensBefore: 0, tokensAfter: 0, skippedSteps: 0, failures: 0 };
}
