// The error classes alone, not the whole SDK (loaded by the first call: openai-compatible-provider.ts).
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai/core/error";
import { ProxyError, classifyUpstreamStatus } from "../../errors";
import { redactSecrets } from "../../logger";
import { connectionFailureText } from "../connection-failure-text";
import { retryAfterSeconds } from "../retry-after";
import { mapBodyReadError } from "../unreadable-response";

const MODEL_LACKS_CAPABILITY = "model_lacks_capability";
const CAPABILITY_REFUSAL = /\bdoes not support (?:tools|vision|images?|thinking|insert)\b/i;

/**
 * An `openai` SDK error (from OpenAI, Ollama or any OpenAI-compatible server) as a ProxyError:
 * auth errors keep their status, 429 stays 429, 5xx and connection failures become 502, timeouts
 * 504. The upstream's message is kept (secrets redacted) so the user learns what went wrong.
 */
export function mapOpenAIError(error: unknown, providerName: string): unknown {
  if (error instanceof ProxyError) return error;
  if (!(error instanceof APIError)) return mapBodyReadError(error, providerName);
  if (error instanceof APIConnectionTimeoutError) {
    return new ProxyError(504, `${providerName} timed out.`, { type: "timeout_error", code: "upstream_timeout", retryable: true, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ProxyError(502, `Could not reach ${providerName}: ${redactSecrets(connectionFailureText(error.cause instanceof Error ? error.cause.message : error.message))}`, {
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
  const { status: mappedStatus, type, retryable } = classifyUpstreamStatus(status);
  // Ollama's 400 for a model without the capability the request needs ("gemma2:2b does not support
  // tools"): this model cannot serve it, another candidate may (pipeline/stages/dispatch.ts).
  const lacksCapability = status === 400 && CAPABILITY_REFUSAL.test(upstreamMessage);
  return new ProxyError(mappedStatus, `${providerName} returned ${status}: ${upstreamMessage}`, {
    type,
    code: lacksCapability ? MODEL_LACKS_CAPABILITY : code,
    param,
    retryable,
    retryAfterSeconds: retryAfterSeconds(error.headers),
    cause: error,
  });
}
