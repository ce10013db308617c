import { keptBodyReads } from "./resent-turns";

/**
 * Gives a request body's memory back as soon as its route is done with it, instead of when a
 * collection finds it dead: the body is one buffer outside the JavaScript heap (kept in Hono's body
 * cache), so a run of large bodies, a coding agent's 40–200 KB turns, piles up in the allocator
 * until the next collection, which the heap's own small objects decide. On the benchmark's 43 KB
 * cache hits that pile set the proxy's peak (bench/PROFILE.md, twenty-fourth pass).
 *
 * Detaching the buffer (`transfer(0)`) frees it at once and costs less than leaving it to the
 * collector; every view of it then reads zero bytes, so only a route that will not read the body
 * again may release it. A buffer that cannot be detached (shared, or owned by something else) stays,
 * and so does one whose turns are kept for the next body (resent-turns.ts): the collector frees
 * it once they are forgotten.
 */
export function releaseBody(body: ArrayBufferLike | undefined): void {
  if (!body || body.byteLength === 0 || !(body instanceof ArrayBuffer) || keptBodyReads(body)) return;
  try {
    body.transfer(0);
  } catch {
    // Not detachable: the collector frees it as before.
  }
}
