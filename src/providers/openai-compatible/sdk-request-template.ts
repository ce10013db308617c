import { VERSION } from "openai/version";

/**
 * Where direct-chat-call.ts takes a request's URL and headers from: the `openai` SDK client's own
 * buildRequest, or sdkRequestTemplate below, which builds the same without loading the SDK.
 */
export interface RequestTemplateSource {
  buildRequest(options: { method: "post"; path: string; body: Record<string, never> }): Promise<{ url: string; req: { headers?: unknown } }>;
}

/**
 * The variables the SDK client reads that change its URL or headers (client.mjs, `readEnv`).
 * tests/providers/sdk-request-template.test.ts fails when an SDK version reads one more.
 */
export const sdkHeaderVariables = ["OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS"] as const;

/**
 * The URL and headers of the SDK client built with the providers' options (API key, base URL, no
 * retries), as its buildRequest makes them (client.mjs buildURL and buildHeaders, and
 * internal/detect-platform.mjs for a Node-like runtime, which Bun is to it). Built here, the chat
 * path never loads the SDK: 236 modules, ~6 MiB of resident memory and 0.1 s to import on a busy
 * machine. Returns undefined where the SDK would do more than this (a base URL with a query string,
 * one of sdkHeaderVariables set): the caller then asks the SDK itself. sdk-request-template.test.ts
 * compares the two, openai-direct-wire.test.ts the bytes on the wire.
 */
export function sdkRequestTemplate(options: { apiKey: string; baseUrl: string }, env: Record<string, string | undefined> = process.env): RequestTemplateSource | undefined {
  const { apiKey, baseUrl } = options;
  if (!baseUrl || baseUrl.includes("?") || sdkHeaderVariables.some((name) => env[name]?.trim())) return undefined;
  const headers = {
    Accept: "application/json",
    "User-Agent": `OpenAI/JS ${VERSION}`,
    "X-Stainless-Retry-Count": "0",
    "X-Stainless-Lang": "js",
    "X-Stainless-Package-Version": VERSION,
    "X-Stainless-OS": normalizePlatform(process.platform),
    "X-Stainless-Arch": normalizeArch(process.arch),
    "X-Stainless-Runtime": "node",
    "X-Stainless-Runtime-Version": process.version,
    Authorization: `Bearer ${apiKey}`,
    "Content-Type": "application/json",
  };
  return {
    buildRequest: async ({ path }) => ({ url: new URL(baseUrl + (baseUrl.endsWith("/") && path.startsWith("/") ? path.slice(1) : path)).toString(), req: { headers } }),
  };
}

/** As the SDK's detect-platform.mjs names an architecture. */
function normalizeArch(arch: string): string {
  if (arch === "x32") return "x32";
  if (arch === "x86_64" || arch === "x64") return "x64";
  if (arch === "arm") return "arm";
  if (arch === "aarch64" || arch === "arm64") return "arm64";
  return arch ? `other:${arch}` : "unknown";
}

/** As the SDK's detect-platform.mjs names an operating system. */
function normalizePlatform(name: string): string {
  const platform = name.toLowerCase();
  if (platform.includes("ios")) return "iOS";
  const known: Record<string, string> = { android: "Android", darwin: "MacOS", win32: "Windows", freebsd: "FreeBSD", openbsd: "OpenBSD", linux: "Linux" };
  return known[platform] ?? (platform ? `Other:${platform}` : "Unknown");
}
