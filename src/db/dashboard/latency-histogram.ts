/**
 * Latency percentiles and chart bars from the rollup's log histogram: slot s holds values in
 * [10^(s/20), 10^((s+1)/20)) ms (see request_latency_rollup in schema.ts). Percentiles are
 * interpolated inside a slot on the log scale, so they are within a few percent of the exact value.
 */
export const SLOTS_PER_DECADE = 20;
/** Slots per chart bar: five bars per decade (100, 158, 251, 398, 631 ms, 1 s …). */
const SLOTS_PER_BAR = 4;

export interface SlotCount {
  slot: number;
  count: number;
}

export interface HistogramBar {
  fromMs: number;
  toMs: number;
  count: number;
}

const slotValue = (position: number) => 10 ** (position / SLOTS_PER_DECADE);

/** The p-quantile (0..1) of the values the slots count, or null when there are none. */
export function percentileOf(slots: SlotCount[], p: number): number | null {
  const sorted = slots.filter((entry) => entry.count > 0).sort((a, b) => a.slot - b.slot);
  const total = sorted.reduce((sum, entry) => sum + entry.count, 0);
  if (total === 0) return null;
  // Rank of the wanted value among all values, 0-based, as percentile_cont counts it.
  const rank = p * (total - 1);
  let before = 0;
  for (const entry of sorted) {
    if (rank < before + entry.count) {
      const inside = (rank - before + 0.5) / entry.count;
      return slotValue(entry.slot + inside);
    }
    before += entry.count;
  }
  return slotValue(sorted[sorted.length - 1]!.slot + 1);
}

/** Bars from the lowest to the highest non-empty one, five per decade. */
export function histogramBars(slots: SlotCount[]): HistogramBar[] {
  const counts = new Map<number, number>();
  for (const entry of slots) {
    if (entry.count <= 0) continue;
    const bar = Math.floor(entry.slot / SLOTS_PER_BAR);
    counts.set(bar, (counts.get(bar) ?? 0) + entry.count);
  }
  if (counts.size === 0) return [];
  const bars = [...counts.keys()];
  const lowest = Math.min(...bars);
  const highest = Math.max(...bars);
  return Array.from({ length: highest - lowest + 1 }, (_, index) => {
    const bar = lowest + index;
    return { fromMs: slotValue(bar * SLOTS_PER_BAR), toMs: slotValue((bar + 1) * SLOTS_PER_BAR), count: counts.get(bar) ?? 0 };
  });
}
