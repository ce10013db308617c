/**
 * The time window of the dashboard's figures: 24 hours in hourly buckets, 7 days in 6-hour buckets,
 * 30 days in daily buckets. Buckets line up on the server's local midnight, the last one holds "now",
 * and totals cover exactly the charted buckets, so a chart's points add up to the totals beside it.
 */
export const RANGES = ["24h", "7d", "30d"] as const;
export type Range = (typeof RANGES)[number];

const HOUR_MS = 3_600_000;
const stepHours: Record<Range, number> = { "24h": 1, "7d": 6, "30d": 24 };
const bucketCount: Record<Range, number> = { "24h": 24, "7d": 28, "30d": 30 };

export interface StatsWindow {
  range: Range;
  /** First instant inside the window (start of the first bucket). */
  since: Date;
  /** The moment the figures were taken. */
  until: Date;
  stepMs: number;
  /** Start of each bucket, oldest first. */
  buckets: Date[];
  startOfToday: Date;
  startOfMonth: Date;
}

export function isRange(value: string): value is Range {
  return (RANGES as readonly string[]).includes(value);
}

export function parseRange(value: string | undefined | null): Range {
  return value && isRange(value) ? value : "24h";
}

export function statsWindow(range: Range, now: Date = new Date()): StatsWindow {
  const stepMs = stepHours[range] * HOUR_MS;
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  // Fixed-length steps counted back from the one that holds now, which starts a whole number of
  // steps after today's local midnight (across a daylight-saving change, older day buckets start
  // an hour off midnight).
  const currentBucket = new Date(startOfToday.getTime() + Math.floor((now.getTime() - startOfToday.getTime()) / stepMs) * stepMs);
  const count = bucketCount[range];
  const since = new Date(currentBucket.getTime() - (count - 1) * stepMs);
  const buckets = Array.from({ length: count }, (_, index) => new Date(since.getTime() + index * stepMs));
  return {
    range,
    since,
    until: now,
    stepMs,
    buckets,
    startOfToday,
    startOfMonth: new Date(now.getFullYear(), now.getMonth(), 1),
  };
}
