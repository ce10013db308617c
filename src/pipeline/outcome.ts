import type { ChatCompletion, NormalizedUsage } from "../chat/types";

/** How a request ended: what the log row records and what finish hooks are told. */
export interface Outcome {
  /** The answer's status; a stream that broke midway has its error's status, a client that left 499. */
  status: number;
  /** The whole answer went out: a completion, or a stream that reached its end without an error. */
  completed: boolean;
  /** The client went away before the answer was complete. */
  clientAborted: boolean;
  errorType?: string;
  errorMessage?: string;
  finishReason?: string | null;
  usage?: NormalizedUsage;
  /** Some of `usage` is an estimate (a client that left mid-stream, aborted-usage.ts). */
  usageEstimated?: boolean;
  ttftMs?: number;
  /** A stream's first chunk to the client, ms after the request arrived (request-report.ts). */
  firstByteMs?: number;
  /**
   * The complete answer as one completion, when `completed`: always for a completion, and for a
   * stream when a finish hook asked for it (its chunks assembled).
   */
  answer?: ChatCompletion;
}

/** What a request's added time measures (request-report.ts): a completion's whole time, or a stream's first byte. */
export type AddedTimeMeasure = "total" | "first_byte";

/**
 * The error type an ending is recorded under (outcome, log row): the error's own, except for an
 * answer cut by the proxy's shutdown (SHUTDOWN_GRACE_MS over), recorded as "shutting_down" so that
 * neither the breakers nor the success rates, in memory or loaded from the log, count it against
 * the model. The client still gets the error's own type.
 */
export const SHUT_DOWN_ERROR_TYPE = "shutting_down";

export function outcomeErrorType(error: { type: string; code: string | null }): string {
  return error.code === SHUT_DOWN_ERROR_TYPE ? SHUT_DOWN_ERROR_TYPE : error.type;
}

/** An ending that counts against the model that served: the upstream failed (5xx) or was overloaded (429); never the proxy's own shutdown. */
export function upstreamFailed(outcome: Pick<Outcome, "status" | "errorType">): boolean {
  if (outcome.errorType === SHUT_DOWN_ERROR_TYPE) return false;
  return outcome.status >= 500 || outcome.status === 429;
}
