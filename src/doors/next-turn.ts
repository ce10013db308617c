/**
 * Bodies above this size yield the event loop once before they are parsed and validated (at 1 MiB
 * that work is a few milliseconds): when several big bodies arrive together, requests that are
 * ready in between (a small request's arrival, an upstream's answer) run after one of them
 * instead of after all of them.
 */
export const YIELD_ABOVE_BYTES = 64 * 1024;

/** Resolves on a later turn of the event loop, after timers and I/O callbacks already due. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
