import { sql } from "drizzle-orm";
import { requestRollup } from "../schema";

/** Pieces the dashboard's rollup queries share: the hour range, tier order, series building. */

export const iso = (date: Date) => date.toISOString();

/** Rollup hours from `since` to `until`, both included (an hour counts in the window it starts in). */
export const rollupBetween = (since: Date, until: Date) =>
  sql`${requestRollup.hour} >= ${iso(since)}::timestamptz and ${requestRollup.hour} <= ${iso(until)}::timestamptz`;

const tierOrder = ["economy", "standard", "premium"];
/** Cheapest tier first; "none" and unknown tiers last. */
export const tierRank = (tier: string) => (tierOrder.includes(tier) ? tierOrder.indexOf(tier) : tierOrder.length);

export interface Series {
  key: string;
  /** One value per bucket of the window, oldest first. */
  points: number[];
}

export const zeros = (size: number) => new Array<number>(size).fill(0);
export const sumOf = (values: number[]) => values.reduce((sum, value) => sum + value, 0);

/** Adds `value` to bucket `bucket` of the series `key`, creating it at zero. */
export function addTo(map: Map<string, number[]>, key: string, size: number, bucket: number, value: number) {
  let points = map.get(key);
  if (!points) map.set(key, (points = zeros(size)));
  points[bucket]! += value;
}

/** Largest total first. */
export const toSeries = (map: Map<string, number[]>): Series[] =>
  [...map.entries()].map(([key, points]) => ({ key, points })).sort((a, b) => sumOf(b.points) - sumOf(a.points));
