import type { TestProxy } from "./test-proxy";

/**
 * Which way a cache hit went, for tests of the fast path (src/doors/fast-hit.ts): the slow path
 * looks the request's key up (ResponseCache.lookup), the fast path never does. Counts the lookups
 * of one proxy's cache from now on.
 */
export function countSlowLookups(proxy: TestProxy): { readonly count: number } {
  const service = proxy.proxy.pipeline.cache?.service;
  if (!service) throw new Error("the proxy has no response cache");
  const counter = { count: 0 };
  const lookup = service.lookup.bind(service);
  service.lookup = (key) => {
    counter.count++;
    return lookup(key);
  };
  return counter;
}

/** The stores so far, from /api/cache. */
export async function cacheStores(proxy: TestProxy): Promise<number> {
  return ((await (await fetch(`${proxy.origin}/api/cache`)).json()) as { stores: number }).stores;
}

/** An answer's bytes with what is new on every answer (ids made of UUIDs, creation times) masked. */
export function maskFreshIds(text: string): string {
  return text.replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/g, "<uuid>").replace(/"(created|created_at)":\d+/g, '"$1":0');
}
