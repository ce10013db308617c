import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { heapStats } from "bun:jsc";

/**
 * Preloaded into a benchmark server (`BENCH_PROXY_BUN_FLAGS="--preload ./bench/heap-monitor.ts"`
 * with HEAP_REPORT=<file>): on SIGUSR2 it appends one JSON line to HEAP_REPORT with what makes its
 * resident memory — the JavaScript heap (live size, capacity, memory held outside it by its
 * objects) and the process's RSS and peak (VmHWM) — so a phase's peak can be split into heap and
 * the rest (malloc, code, stacks). The label is the text of <HEAP_REPORT>.label, if any.
 * HEAP_REPORT_GC=1 collects garbage first (the live heap, not what is waiting to be collected) and
 * adds every object type's count (what one open stream retains: bench/idle-stream-heap.ts).
 */
const reportPath = process.env.HEAP_REPORT;

const statusKib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN);

let snapshots = 0;
process.on("SIGUSR2", () => {
  if (!reportPath) return;
  const full = process.env.HEAP_REPORT_GC === "1";
  if (full) Bun.gc(true);
  const stats = heapStats();
  // HEAP_REPORT_SNAPSHOTS=1: also a heap snapshot per report (<HEAP_REPORT>.<n>.json), for what retains what.
  if (process.env.HEAP_REPORT_SNAPSHOTS === "1") writeFileSync(`${reportPath}.${++snapshots}.json`, JSON.stringify(Bun.generateHeapSnapshot()));
  let label = "";
  try {
    label = readFileSync(`${reportPath}.label`, "utf8");
  } catch {
    // No label.
  }
  const top = Object.entries(stats.objectTypeCounts).sort((a, b) => b[1] - a[1]).slice(0, 12);
  appendFileSync(
    reportPath,
    `${JSON.stringify({
      label,
      rssKib: statusKib("VmRSS"),
      hwmKib: statusKib("VmHWM"),
      heapSize: stats.heapSize,
      heapCapacity: stats.heapCapacity,
      extraMemorySize: stats.extraMemorySize,
      objectCount: stats.objectCount,
      top,
      ...(full ? { counts: stats.objectTypeCounts, protectedCounts: stats.protectedObjectTypeCounts } : {}),
    })}\n`,
  );
});
