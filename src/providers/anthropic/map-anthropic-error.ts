import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { ProxyError, classifyUpstreamStatus } from "../../errors";
import { redactSecrets } from "../../logger";
import { connectionFailureText } from "../connection-failure-text";
import { retryAfterSeconds } from "../retry-after";
import { mapBodyReadError } from "../unreadable-response";

/**
 * An `@anthropic-ai/sdk` error as a ProxyError: 401/403/404 keep their status, 429 stays 429
 * (retryable), 5xx and 529 (overloaded) become 502 (retryable), connection failures 502, timeouts
 * 504. A mid-stream `event: error` arrives without a status; its error type decides instead.
 * The upstream's message is kept, secrets redacted; the code is Anthropic's error type, except
 * "prompt is too long", which becomes OpenAI's `context_length_exceeded` (clients such as Cline
 * and Aider look for that code to shrink their context).
 */
const statusOfType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function mapAnthropicError(error: unknown, providerName = "Anthropic"): unknown {
  if (error instanceof ProxyError || error instanceof APIUserAbortError) return error;
  if (!(error instanceof APIError)) return mapBodyReadError(error, providerName);
  if (error instanceof APIConnectionTimeoutError) {
    return new ProxyError(504, `${providerName} timed out.`, { type: "timeout_error", code: "upstream_timeout", retryable: true, cause: error });
  }
  if (error instanceof APIConnectionError) {
    const reason = error.cause instanceof Error ? error.cause.message : error.message;
    return new ProxyError(502, `Could not reach ${providerName}: ${redactSecrets(connectionFailureText(reason))}`, {
      type: "upstream_error",
      code: "upstream_unreachable",
      retryable: true,
      cause: error,
    });
  }
  const body = (error.error ?? {}) as { error?: { type?: unknown; message?: unknown } };
  const upstreamType = typeof body.error?.type === "string" ? body.error.type : error.type;
  const status = error.status ?? (upstreamType ? statusOfType[upstreamType] : undefined) ?? 502;
  const upstreamMessage = redactSecrets(typeof body.error?.message === "string" ? body.error.message : error.message);
  const { status: mappedStatus, type, retryable } = classifyUpstreamStatus(status);
  const code = /prompt is too long/i.test(upstreamMessage) ? "context_length_exceeded" : (upstreamType ?? null);
  return new ProxyError(mappedStatus, `${providerName} returned ${status}: ${upstreamMessage}`, { type, code, retryable, retryAfterSeconds: retryAfterSeconds(error.headers), cause: error });
}
