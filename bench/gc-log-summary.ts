/**
 * JavaScriptCore's garbage collections in a stretch of a process's stderr written with
 * BUN_JSC_logGC=1: how many full and eden (young-generation) collections, and the pauses they
 * put on the JavaScript thread ("p=…ms", one per stop of the thread). Many full collections mean
 * the heap's growth factor fell under 1.5: JavaScriptCore picks it from the process's footprint
 * against BUN_JSC_forceRAMSize (2 under 80% of it, then the medium and large factors, 1.5 and
 * 1.24 by default), and below 1.5 every eden collection is followed by a full one. The start
 * script sets both factors to 1.75 (README "Memory").
 * `allocatedBytes` sums what the heap allocated in each cycle that ended in a collection it asked for
 * (not the tail after the last one): a count of allocation that does not depend on the machine's load.
 */
export function summarizeGcLog(text: string): {
  full: number;
  eden: number;
  pauseMs: number;
  longestPauseMs: number;
  allocatedBytes: number;
  /** Median over eden collections of the heap's growth over the size after the collection before ("=> N kb"): what the eden kept. */
  edenGrowthKb: number;
  /** Median over eden collections of the bytes they marked (the largest "v=N kb" of the cycle). */
  edenMarkedKb: number;
} {
  const summary = { full: 0, eden: 0, pauseMs: 0, longestPauseMs: 0, allocatedBytes: 0, edenGrowthKb: 0, edenMarkedKb: 0 };
  // "Requesting GC because bytes allocated this cycle: N exceed …": what the heap allocated between collections.
  for (const entry of text.matchAll(/bytes allocated this cycle: (\d+)/g)) summary.allocatedBytes += Number(entry[1]);
  for (const entry of text.matchAll(/\[GC<[^>]*>: ([^\]]*)\]/g)) {
    const body = entry[1]!;
    if (body.includes("=> FullCollection")) summary.full++;
    if (body.includes("=> EdenCollection")) summary.eden++;
    for (const pause of body.matchAll(/p=([0-9.]+)ms/g)) {
      const ms = Number(pause[1]);
      summary.pauseMs += ms;
      summary.longestPauseMs = Math.max(summary.longestPauseMs, ms);
    }
  }
  // Per cycle: its kind, what it marked and the heap's size after it. An eden collection that
  // leaves the heap more than (factor - 1) - factor / 3 of the size after the last full collection
  // larger makes the next collection full (JavaScriptCore's minEdenToOldGenerationRatio, 1/3): ~6.7%
  // at a growth factor of 1.6, any growth at 1.5 (bench/PROFILE.md).
  const growth: number[] = [];
  const marked: number[] = [];
  let after: number | undefined;
  for (const cycle of text.split(/(?=\[GC<[^>]*>: START)/)) {
    const kind = /START M \d+kb => (Eden|Full)Collection/.exec(cycle)?.[1];
    const size = /=> (\d+)kb, p=/.exec(cycle)?.[1];
    if (!kind || !size) continue;
    if (kind === "Eden" && after !== undefined) {
      growth.push(Number(size) - after);
      marked.push(Math.max(0, ...[...cycle.matchAll(/v=(\d+)kb/g)].map((entry) => Number(entry[1]))));
    }
    after = Number(size);
  }
  summary.edenGrowthKb = median(growth);
  summary.edenMarkedKb = median(marked);
  return { ...summary, pauseMs: Math.round(summary.pauseMs), longestPauseMs: Math.round(summary.longestPauseMs * 10) / 10 };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
