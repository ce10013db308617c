import { ConnectionPool, type Destination } from "./connection-pool";
import { ClosedBeforeAnswer, exchange } from "./exchange";
import { connectFailure } from "./fetch-errors";
import { requestBytes } from "./request-bytes";

/**
 * A prototype `fetch` for the providers' upstream calls (bench-only: measured in bench/PROFILE.md,
 * twenty-fourth pass, and not adopted) that speaks HTTP/1.1 keep-alive over `Bun.connect` sockets
 * on the JavaScript thread, instead of a round trip through Bun's HTTP-client thread. It serves the plain case faithfully (an http: or https:
 * URL, a string or byte body, an abort signal, a Content-Length, chunked or close-delimited answer)
 * and hands anything else to Bun's own fetch unchanged: a Request object, a stream or form body,
 * Bun's own options (proxy, unix, tls, …), framing headers, a compressed answer asked for, a
 * redirect to follow.
 */
export const bunFetch = globalThis.fetch;

const supportedInit = new Set(["method", "headers", "body", "signal", "redirect"]);
const redirects = new Set([301, 302, 303, 307, 308]);

export function createSocketFetch(pool = new ConnectionPool()): typeof fetch {
  const destinations = new Map<string, Destination>();
  const socketFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request || !servable(init)) return bunFetch(input, init);
    const url = typeof input === "string" ? new URL(input) : input;
    if (url.protocol !== "http:" && url.protocol !== "https:") return bunFetch(input, init);
    const method = (init?.method ?? "GET").toUpperCase();
    const body = init?.body instanceof ArrayBuffer ? new Uint8Array(init.body) : (init?.body ?? undefined);
    const bytes = requestBytes({ method, url, headers: init?.headers, body: body as string | Uint8Array | undefined });
    if (bytes === undefined) return bunFetch(input, init);
    const signal = init?.signal;
    signal?.throwIfAborted();
    const href = url.href;
    const destination = destinationOf(destinations, url);
    const reused = pool.take(destination.origin);
    let response: Response;
    try {
      response = await exchange(pool, reused ?? (await open(pool, destination, href, signal)), bytes, method, href, signal);
    } catch (error) {
      if (!(error instanceof ClosedBeforeAnswer)) throw error;
      // The server closed an idle connection as the request went out: once more, on a fresh one.
      response = await exchange(pool, await open(pool, destination, href, signal), bytes, method, href, signal);
    }
    if (redirects.has(response.status) && response.headers.has("location") && init?.redirect !== "manual") {
      // Following is fetch's work (method and body rules, limits): the redirect goes to Bun's fetch.
      await response.body?.cancel();
      return bunFetch(new URL(response.headers.get("location")!, href), followInit(response.status, method, init));
    }
    return response;
  };
  return Object.assign(socketFetch, { preconnect: bunFetch.preconnect }) as typeof fetch;
}

function servable(init: RequestInit | undefined): boolean {
  if (!init) return true;
  for (const key in init) if (!supportedInit.has(key) && (init as Record<string, unknown>)[key] !== undefined) return false;
  const body = init.body;
  return body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

function destinationOf(cache: Map<string, Destination>, url: URL): Destination {
  const origin = url.origin;
  let destination = cache.get(origin);
  if (!destination) {
    const tls = url.protocol === "https:";
    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    destination = { origin, hostname, port: Number(url.port) || (tls ? 443 : 80), tls };
    if (cache.size < 64) cache.set(origin, destination);
  }
  return destination;
}

async function open(pool: ConnectionPool, destination: Destination, href: string, signal: AbortSignal | null | undefined) {
  try {
    const connection = await pool.connect(destination);
    if (signal?.aborted) {
      connection.destroy();
      throw signal.reason;
    }
    return connection;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw connectFailure(error, href);
  }
}

function followInit(status: number, method: string, init: RequestInit | undefined): RequestInit {
  if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
    const { body: _body, ...rest } = init ?? {};
    return { ...rest, method: "GET" };
  }
  return init ?? {};
}
