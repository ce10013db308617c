/**
 * Errors shaped as Bun's fetch shapes them (a TypeError with `code`, `errno` 0 and `path`, the same
 * wording), so the providers' error mapping (connection-failure-text.ts, the SDKs' connection
 * errors, the router's fallbacks) reads them as it reads fetch's.
 */
export type FetchFailure = TypeError & { code: string; errno: number; path: string };

const advice = " For more information, pass `verbose: true` in the second argument to fetch()";

export function fetchError(code: string, message: string, url: string): FetchFailure {
  return Object.assign(new TypeError(`${code}: ${message}`), { code, errno: 0, path: url });
}

export const connectionReset = (url: string) => fetchError("ECONNRESET", `The socket connection was closed unexpectedly.${advice}`, url);

/** A failed connect, worded as fetch words it. */
export function connectFailure(error: unknown, url: string): FetchFailure {
  const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "ECONNREFUSED";
  if (code === "ECONNREFUSED") return fetchError(code, "Unable to connect. Is the computer able to access the url?", url);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return Object.assign(new TypeError(`getaddrinfo ${code} ${new URL(url).hostname}`), { code, errno: 4, path: url });
  // A certificate that did not verify: fetch gives the TLS library's code and words (DEPTH_ZERO_SELF_SIGNED_CERT, "self signed certificate").
  return Object.assign(new TypeError(error instanceof Error ? error.message : String(error)), { code, errno: 0, path: url });
}

/** An answer that is not HTTP/1.1 as this client reads it. */
export const malformedResponse = (url: string, detail: string) => fetchError("MalformedResponse", `The upstream's response could not be read (${detail}).`, url);
