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
export function summarizeGcLog(text: string): { full: number; eden: number; pauseMs: number; longestPauseMs: number; allocatedBytes: number } {
  const summary = { full: 0, eden: 0, pauseMs: 0, longestPauseMs: 0, allocatedBytes: 0 };
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
  return { ...summary, pauseMs: Math.round(summary.pauseMs), longestPauseMs: Math.round(summary.longestPauseMs * 10) / 10 };
}
