/**
 * GEMINI_BASE_URL as the SDK wants it: an origin (or path prefix) and, separately, the API
 * version, which the SDK inserts itself. Users often paste the versioned URL from Google's docs
 * (`…/v1beta`), so a trailing version is split off and used. The proxy speaks v1beta by default:
 * `parametersJsonSchema`, `responseJsonSchema` and thought summaries are v1beta features.
 */
export const DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";
export const DEFAULT_GEMINI_API_VERSION = "v1beta";

export function splitGeminiBaseUrl(url: string = DEFAULT_GEMINI_BASE_URL): { baseUrl: string; apiVersion: string } {
  const trimmed = url.replace(/\/+$/, "");
  const match = /^(.*)\/(v\d+(?:alpha|beta)?\d*)$/.exec(trimmed);
  if (match?.[1] && match[2]) return { baseUrl: match[1], apiVersion: match[2] };
  return { baseUrl: trimmed, apiVersion: DEFAULT_GEMINI_API_VERSION };
}
