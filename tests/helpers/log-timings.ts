import { expect } from "bun:test";

/** The two clocks of a request-log row, in milliseconds from the moment the request arrived. */
export interface LoggedTimings {
  latencyMs: number;
  ttftMs: number | null;
}

/**
 * A streamed row's clocks agree with each other: the first token came after the request began and
 * no later than its end, and no sooner than the upstream could have sent it (`upstreamDelayMs`).
 */
export function expectStreamTimings(row: LoggedTimings | undefined, upstreamDelayMs = 0): void {
  expect(row).toBeDefined();
  const { ttftMs, latencyMs } = row!;
  expect(ttftMs).toBeNumber();
  expect(ttftMs!).toBeGreaterThan(0);
  expect(ttftMs!).toBeGreaterThanOrEqual(upstreamDelayMs);
  expect(ttftMs!).toBeLessThanOrEqual(latencyMs);
}
