import { renameSync, writeFileSync } from "node:fs";

/**
 * Preloaded into the soak's proxy process (`bun --preload`): how long its event loop was held up,
 * told apart from the time the machine gave it no CPU. A 2 ms interval timer notes every gap
 * between its ticks longer than 10 ms, with the process's CPU time during the gap: a gap mostly
 * spent on CPU was the proxy's own synchronous work (parsing, a PGlite write on this thread, GC);
 * a gap with little CPU was the process waiting for a core (a loaded machine). SIGUSR2 writes the
 * tally since the last one to EVENT_LOOP_REPORT (JSON) and starts a new one.
 */
const reportPath = process.env.EVENT_LOOP_REPORT;

interface Gap {
  ms: number;
  cpuMs: number;
}

let gaps: Gap[] = [];
let since = performance.now();
let last = performance.now();
let lastCpu = process.cpuUsage();

const cpuMsSince = (before: NodeJS.CpuUsage) => {
  const now = process.cpuUsage(before);
  return (now.user + now.system) / 1000;
};

setInterval(() => {
  const now = performance.now();
  const gap = now - last;
  if (gap > 10) gaps.push({ ms: gap, cpuMs: cpuMsSince(lastCpu) });
  last = now;
  lastCpu = process.cpuUsage();
}, 2).unref();

const round = (value: number) => Math.round(value * 10) / 10;

process.on("SIGUSR2", () => {
  const busy = gaps.filter((gap) => gap.cpuMs >= 0.8 * gap.ms);
  const report = {
    seconds: round((performance.now() - since) / 1000),
    gapsOver10Ms: gaps.length,
    gapsOver50Ms: gaps.filter((gap) => gap.ms > 50).length,
    longestGapMs: round(Math.max(0, ...gaps.map((gap) => gap.ms))),
    /** Gaps at least 80% spent on this process's CPU: its own synchronous work. */
    busyGapsOver10Ms: busy.length,
    busyGapsOver50Ms: busy.filter((gap) => gap.ms > 50).length,
    longestBusyGapMs: round(Math.max(0, ...busy.map((gap) => gap.ms))),
    longestGaps: [...gaps].sort((a, b) => b.ms - a.ms).slice(0, 5).map((gap) => ({ ms: round(gap.ms), cpuMs: round(gap.cpuMs) })),
  };
  // Whole or not at all: the soak reads the file as soon as it appears.
  if (reportPath) {
    writeFileSync(`${reportPath}.partial`, JSON.stringify(report));
    renameSync(`${reportPath}.partial`, reportPath);
  }
  gaps = [];
  since = performance.now();
});
