import { ApiError } from "@google/genai";
import { ProxyError, type ProxyErrorType, classifyUpstreamStatus } from "../../errors";
import { redactSecrets } from "../../logger";
import { connectionFailureText } from "../connection-failure-text";

/**
 * A `@google/genai` failure as a ProxyError. The SDK throws `ApiError` with the HTTP status and
 * the JSON error body as its message (`{"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED"}}`,
 * prefixed with `got status: …` when the error arrived inside a stream); fetch failures surface as
 * they are (TypeError with a code, AbortError, TimeoutError). The upstream's message is kept, with
 * the API key removed wherever it could appear (`x-goog-api-key` header, `key=` query parameter).
 */
export interface GeminiErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ "@type"?: string; reason?: string; retryDelay?: string }>;
}

const providerName = "Gemini";

export function mapGeminiError(error: unknown, apiKey: string, phase: "request" | "stream" = "request"): unknown {
  if (error instanceof ProxyError || !(error instanceof Error)) return error;
  const redact = (text: string) => redactGeminiSecrets(text, apiKey);
  if (error instanceof ApiError) {
    const body = parseErrorBody(error.message);
    const upstreamMessage = redact(body?.message ?? error.message);
    const { status, type, retryable } = classify(error.status, body);
    const code = body?.status ? body.status.toLowerCase() : null;
    return new ProxyError(status, `${providerName} returned ${error.status}: ${upstreamMessage}`, { type, code, retryable, retryAfterSeconds: retryDelaySeconds(body), cause: error });
  }
  if (error.name === "TimeoutError") {
    return new ProxyError(504, `${providerName} timed out.`, { type: "timeout_error", code: "upstream_timeout", retryable: true, cause: error });
  }
  if (error.name === "AbortError") {
    return new ProxyError(499, `The request to ${providerName} was aborted.`, { type: "client_closed", code: "client_closed", cause: error });
  }
  if (error instanceof TypeError || typeof (error as { code?: unknown }).code === "string") {
    const midStream = phase === "stream";
    const what = midStream ? `The connection to ${providerName} broke mid-stream` : `Could not reach ${providerName}`;
    return new ProxyError(502, `${what}: ${redact(connectionFailureText(error.message))}`, {
      type: "upstream_error",
      code: midStream ? "upstream_connection_lost" : "upstream_unreachable",
      retryable: true,
      cause: error,
    });
  }
  // The SDK's own stream parser failing (a cut or garbled event) is an upstream fault too.
  return new ProxyError(502, `${providerName} sent a response the proxy could not read: ${redact(error.message)}`, {
    type: "upstream_error",
    code: "malformed_upstream_response",
    retryable: true,
    cause: error,
  });
}

/** The `error` object of a Gemini error body, from an ApiError message that embeds it. */
export function parseErrorBody(message: string): GeminiErrorBody | undefined {
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: unknown };
    return parsed && typeof parsed.error === "object" && parsed.error !== null ? (parsed.error as GeminiErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

export function redactGeminiSecrets(text: string, apiKey: string): string {
  const withoutKey = apiKey ? text.split(apiKey).join("[redacted]") : text;
  return redactSecrets(withoutKey)
    .replace(/([?&]key=)[^&\s"']+/gi, "$1[redacted]")
    .replace(/(x-goog-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, "$1[redacted]");
}

/**
 * Gemini says when to retry in the body, not in a header: a `google.rpc.RetryInfo` detail whose
 * `retryDelay` is a protobuf Duration in JSON ("37s", "1.5s"). Whole seconds, rounded up, for the
 * client's `retry-after`.
 */
function retryDelaySeconds(body: GeminiErrorBody | undefined): number | undefined {
  const delay = body?.details?.find((detail) => detail["@type"]?.endsWith("google.rpc.RetryInfo"))?.retryDelay;
  const seconds = typeof delay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim())?.[1] : undefined;
  return seconds === undefined ? undefined : Math.ceil(Number(seconds));
}

function classify(status: number, body: GeminiErrorBody | undefined): { status: number; type: ProxyErrorType; retryable: boolean } {
  // Gemini answers a bad key with 400 INVALID_ARGUMENT; the client should see an auth failure.
  if (body?.details?.some((detail) => detail.reason === "API_KEY_INVALID")) return { status: 401, type: "authentication_error", retryable: false };
  return classifyUpstreamStatus(status);
}
