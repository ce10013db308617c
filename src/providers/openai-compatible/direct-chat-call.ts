// The error classes alone (two small modules, the same classes the SDK throws), not the whole SDK.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai/core/error";
import type { RequestTemplateSource } from "./sdk-request-template";
import { smallBufferBody } from "./small-buffer-body";
import { upstreamBody } from "./spliced-body";

/**
 * POST /chat/completions without the `openai` SDK's per-request machinery (header merging, option
 * snapshots, retry and abort bookkeeping: ~50 µs of CPU and ~0.4 ms before the first byte per call,
 * measured in bench/PROFILE.md). The bytes on the wire are the SDK's: the URL and headers are the
 * ones the SDK client builds (User-Agent, X-Stainless-*, Authorization, …), taken from it once, and
 * the body is `JSON.stringify` of the same object, as the SDK's encoder does (for a large request,
 * the same JSON with the client's unchanged elements copied from its own text: spliced-body.ts). tests/providers/
 * openai-direct-wire.test.ts compares the raw request bytes of both paths.
 *
 * Failures come out as the SDK's own error classes (APIError.generate for an HTTP error status,
 * APIConnectionError, APIUserAbortError), so map-openai-error.ts reads them unchanged.
 */
export interface DirectChatCall {
  /** The upstream's Response once its status is 2xx; its body is not read. */
  send(body: Record<string, unknown>, signal: AbortSignal): Promise<Response>;
  /** A non-stream answer's body as the SDK would hand it over: parsed JSON, text, or undefined. */
  read(response: Response): Promise<unknown>;
  /** A stream answer's body, read through small buffers (small-buffer-body.ts); null without one. */
  stream(response: Response): ReadableStream<Uint8Array> | null;
}

/** The runtime's own fetch, as the module found it (a test that replaces globalThis.fetch later does not change it). */
const bunFetch = globalThis.fetch;

interface Template {
  url: string;
  headers: Array<[string, string]>;
}

export function createDirectChatCall(client: RequestTemplateSource, fetchImplementation: typeof fetch = fetch): DirectChatCall {
  let template: Promise<Template> | undefined;
  // Once built, read without an await: awaiting the settled promise cost a turn of the microtask queue per call.
  let built: Template | undefined;
  const templateOf = () =>
    (template ??= client
      .buildRequest({ method: "post", path: "/chat/completions", body: {} })
      .then(({ url, req }) => (built = { url, headers: [...new Headers(req.headers as ConstructorParameters<typeof Headers>[0])] })));

  return {
    async send(body, signal) {
      const { url, headers } = built ?? (await templateOf());
      if (signal.aborted) throw new APIUserAbortError();
      let response: Response;
      try {
        // Bun's fetch copies the body before it returns, so it may be written into a kept buffer (spliced-body.ts); another fetch (a test's) may read it later.
        response = await fetchImplementation(url, { method: "POST", headers, body: upstreamBody(body, fetchImplementation === bunFetch), signal });
      } catch (error) {
        if (signal.aborted) throw new APIUserAbortError();
        const text = String(error) + (error instanceof Error && "cause" in error ? String(error.cause) : "");
        if (/timed? ?out/i.test(text)) throw new APIConnectionTimeoutError();
        throw new APIConnectionError({ cause: error instanceof Error ? error : new Error(String(error)) });
      }
      if (!response.ok) {
        const text = await response.text().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
        const json = safeJson(text);
        const normalized = json && typeof json === "object" && (json as { error?: unknown }).error == null ? { error: json } : json;
        throw APIError.generate(response.status, normalized as object | undefined, json ? undefined : text, response.headers);
      }
      return response;
    },

    async read(response) {
      // As the SDK's defaultParseResponse: JSON by content type, an empty JSON body is undefined.
      if (response.status === 204) return null;
      const mediaType = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
      const text = await response.text();
      if (!(mediaType?.includes("application/json") || mediaType?.endsWith("+json"))) return text;
      if (response.headers.get("content-length") === "0" || !text) return undefined;
      return JSON.parse(text) as unknown;
    },

    stream(response) {
      return response.body && smallBufferBody(response.body);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
