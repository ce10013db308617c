import type { ProxyError } from "../../errors";

/**
 * Anthropic's error shape, `{"type": "error", "error": {"type", "message"}}`, with the API's own
 * statuses and types (platform.claude.com/docs/en/api/errors): invalid_request_error 400,
 * authentication_error 401, permission_error 403, not_found_error 404 (an unknown model too),
 * request_too_large 413, rate_limit_error 429, api_error 500, timeout_error 504 and
 * overloaded_error 529. An upstream that said it is overloaded, or a model whose circuit breaker
 * is open, is 529 (clients back off and retry); other upstream failures are api_error 500; a
 * status of the proxy's own with no Anthropic equivalent (405) keeps its status as an
 * invalid_request_error.
 */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

export interface AnthropicErrorMapping {
  status: number;
  type: AnthropicErrorType;
}

const byStatus: Record<number, AnthropicErrorType> = {
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const overloadedCodes = new Set(["overloaded_error", "circuit_open"]);

/** The Anthropic status and type of an error, from its status, type and code. */
export function anthropicErrorMapping(error: { status: number; type: string; code: string | null }): AnthropicErrorMapping {
  if (error.code !== null && overloadedCodes.has(error.code)) return { status: 529, type: "overloaded_error" };
  if (error.type === "rate_limit_error") return { status: 429, type: "rate_limit_error" };
  if (error.type === "timeout_error") return { status: 504, type: "timeout_error" };
  const type = byStatus[error.status];
  if (type) return { status: error.status, type };
  if (error.status >= 500) return { status: 500, type: "api_error" };
  // 499: the client left; nobody reads the answer, and a Response cannot carry 499.
  return { status: error.status === 499 ? 400 : error.status, type: "invalid_request_error" };
}

/** The `error` event's payload, and the body of an error response. */
export function anthropicErrorBody(type: AnthropicErrorType, message: string) {
  return { type: "error" as const, error: { type, message } };
}

export function anthropicErrorResponse(error: ProxyError, headers: Headers = new Headers()): Response {
  const { status, type } = anthropicErrorMapping(error);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(anthropicErrorBody(type, error.message)), { status, headers });
}
