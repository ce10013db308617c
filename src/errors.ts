/**
 * The one error type of the proxy and its OpenAI wire shape. Used by Hono's onError, the
 * validator hook, every provider's error map and the mid-stream error chunk.
 */

export type ProxyErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "upstream_error"
  | "timeout_error"
  | "server_error"
  | "client_closed";

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface ProxyErrorOptions {
  type: ProxyErrorType;
  code?: string | null;
  param?: string | null;
  /** Whether a fallback to another model may help (connection errors, 5xx, 429, timeouts). */
  retryable?: boolean;
  /** The failure holds for every model of the provider (an exhausted subscription, a lost login): the router pauses them all. */
  providerWide?: boolean;
  /** When the upstream said it will take requests again (epoch ms): the model stays paused until then. */
  retryAt?: number;
  /** How long the upstream asked the client to wait (its 429's retry-after), sent on as `retry-after`. */
  retryAfterSeconds?: number;
  /** A retry by the client cannot succeed (a spent budget): the answer says `x-should-retry: false`. */
  final?: boolean;
  cause?: unknown;
}

export class ProxyError extends Error {
  readonly type: ProxyErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly providerWide: boolean;
  readonly retryAt: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly final: boolean;

  constructor(
    readonly status: number,
    message: string,
    options: ProxyErrorOptions,
  ) {
    super(message, { cause: options.cause });
    this.name = "ProxyError";
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? false;
    this.providerWide = options.providerWide ?? false;
    this.retryAt = options.retryAt;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.final = options.final ?? false;
  }

  /** The same error worded otherwise (redacted, or in a door's own terms): every other field kept. */
  reworded(message: string, param: string | null = this.param): ProxyError {
    const { type, code, retryable, providerWide, retryAt, retryAfterSeconds, final, cause } = this;
    return new ProxyError(this.status, message, { type, code, param, retryable, providerWide, retryAt, retryAfterSeconds, final, cause });
  }

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * How an upstream's HTTP status reaches the client, the same for every provider: auth errors and
 * 404 keep their status, 429 stays 429, timeouts become 504, other 5xx (and 529) 502; the
 * retryable ones let the router fall back to another model.
 */
export function classifyUpstreamStatus(status: number): { status: number; type: ProxyErrorType; retryable: boolean } {
  if (status === 401) return { status: 401, type: "authentication_error", retryable: false };
  if (status === 403) return { status: 403, type: "permission_error", retryable: false };
  if (status === 404) return { status: 404, type: "not_found_error", retryable: false };
  if (status === 408 || status === 504) return { status: 504, type: "timeout_error", retryable: true };
  if (status === 413) return { status: 413, type: "invalid_request_error", retryable: false };
  if (status === 429) return { status: 429, type: "rate_limit_error", retryable: true };
  if (status >= 500) return { status: 502, type: "upstream_error", retryable: true };
  return { status: 400, type: "invalid_request_error", retryable: false };
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ProxyError(400, message, { type: "invalid_request_error", param, code });

/** Anything thrown that is not a ProxyError becomes a 500 without leaking internals. */
export function toProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  return new ProxyError(500, "The proxy hit an internal error; see its log for details.", {
    type: "server_error",
    code: "internal_error",
    cause: error,
  });
}
