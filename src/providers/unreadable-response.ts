import { ProxyError } from "../errors";

/**
 * An upstream answer that arrived but cannot be read — its body cut mid-way, not JSON, or JSON of
 * another shape — is the upstream failing before anything reached the client: a retryable 502,
 * so the router falls back to the next candidate. The SDKs surface these as the raw error of
 * `fetch` or `JSON.parse` (not as their own error class), or hand back whatever they parsed.
 */
export function unreadableResponse(providerName: string, detail: string, cause?: unknown): ProxyError {
  return new ProxyError(502, `${providerName} sent a response the proxy could not read: ${detail}.`, {
    type: "upstream_error",
    code: "malformed_upstream_response",
    retryable: true,
    cause,
  });
}

/** The errors an SDK lets through while it reads a response body, as that 502; anything else unchanged. */
export function mapBodyReadError(error: unknown, providerName: string): unknown {
  if (error instanceof SyntaxError) return unreadableResponse(providerName, "its body is not valid JSON", error);
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof TypeError && typeof code === "string" && /^E[A-Z_]+$/.test(code)) {
    return unreadableResponse(providerName, `the connection broke while its body was read (${code})`, error);
  }
  return error;
}

/**
 * What an SDK parsed from a 200 answer, checked to be an object whose `field` is an array (an
 * HTML page, an empty body or `{}` comes back from the SDK as a string, undefined or an object
 * without it).
 */
export function requireArrayField<T>(value: unknown, field: string, providerName: string): T {
  const array = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  if (Array.isArray(array)) return value as T;
  const shape = value === undefined || value === null || value === "" ? "an empty body" : typeof value === "string" ? "a body that is not JSON" : `JSON without '${field}'`;
  throw unreadableResponse(providerName, shape);
}
