/**
 * Polls a condition until it holds, for events a test cannot await directly (a mock noticing an
 * abort, a row reaching the log). Bounded: it throws after `timeoutMs` instead of hanging, and it
 * returns as soon as the condition holds instead of sleeping a fixed, hopefully long enough, time.
 */
export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the error when the condition never holds. */
  what?: string;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitForOptions = {}): Promise<void> {
  const { timeoutMs = 2000, intervalMs = 5, what = "the condition" } = options;
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; it never happened`);
    await Bun.sleep(intervalMs);
  }
}
