import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { ProxyError, type ProxyErrorType } from "../../errors";
import { redactSecrets } from "../../logger";

/**
 * An `openai` SDK error (from OpenAI, Ollama or any OpenAI-compatible server) as a ProxyError:
 * auth errors keep their status, 429 stays 429, 5xx and connection failures become 502, timeouts
 * 504. The upstream's message is kept (secrets redacted) so the user learns what went wrong.
 */
export function mapOpenAIError(error: unknown, providerName: string): unknown {
  if (error instanceof ProxyError || !(error instanceof APIError)) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new ProxyError(504, `${providerName} timed out.`, { type: "timeout_error", code: "upstream_timeout", retryable: true, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ProxyError(502, `Could not reach ${providerName}: ${error.cause instanceof Error ? error.cause.message : error.message}`, {
      type: "upstream_error",
      code: "upstream_unreachable",
      retryable: true,
      cause: error,
    });
  }
  const status = error.status ?? 502;
  const body = (error.error ?? {}) as { message?: unknown; code?: unknown; param?: unknown };
  const upstreamMessage = redactSecrets(typeof body.message === "string" ? body.message : error.message);
  const code = typeof body.code === "string" ? body.code : null;
  const param = typeof body.param === "string" ? body.param : null;
  const [mappedStatus, type, retryable] = classify(status);
  return new ProxyError(mappedStatus, `${providerName} returned ${status}: ${upstreamMessage}`, { type, code, param, retryable, cause: error });
}

function classify(status: number): [number, ProxyErrorType, boolean] {
  if (status === 401) return [401, "authentication_error", false];
  if (status === 403) return [403, "permission_error", false];
  if (status === 404) return [404, "not_found_error", false];
  if (status === 408) return [504, "timeout_error", true];
  if (status === 413) return [413, "invalid_request_error", false];
  if (status === 429) return [429, "rate_limit_error", true];
  if (status >= 500) return [502, "upstream_error", true];
  return [400, "invalid_request_error", false];
}
