import { dlopen, FFIType, ptr } from "bun:ffi";
import { renameSync, writeFileSync } from "node:fs";

/**
 * Preloaded into the soak's proxy process (`bun --preload`): how long its event loop was held up,
 * told apart from the time the machine gave it no CPU. A 2 ms interval timer notes every gap
 * between its ticks longer than 10 ms, with the process's CPU time during the gap: a gap mostly
 * spent on CPU was the proxy's own synchronous work (parsing, a PGlite write on this thread, GC);
 * a gap with little CPU was the process waiting for a core (a loaded machine). The CPU time of the
 * JavaScript thread alone during a gap is the proxy's own synchronous work (and its GC pauses) in
 * it, whatever the machine's load: the longest stretch of work a request waiting behind it could
 * not get past, even on an idle machine. SIGUSR2 writes the
 * tally since the last one to EVENT_LOOP_REPORT (JSON) and starts a new one.
 */
const reportPath = process.env.EVENT_LOOP_REPORT;

interface Gap {
  ms: number;
  cpuMs: number;
  /** CPU time of this (the JavaScript) thread during the gap. */
  threadCpuMs: number;
}

/** CPU time of the calling thread in ms (clock_gettime's CLOCK_THREAD_CPUTIME_ID, Linux). */
const libc = dlopen("libc.so.6", { clock_gettime: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 } });
const timespec = new BigInt64Array(2);
const CLOCK_THREAD_CPUTIME_ID = 3;
function threadCpuMs(): number {
  libc.symbols.clock_gettime(CLOCK_THREAD_CPUTIME_ID, ptr(timespec));
  return Number(timespec[0]!) * 1000 + Number(timespec[1]!) / 1e6;
}

let gaps: Gap[] = [];
let since = performance.now();
let last = performance.now();
let lastCpu = process.cpuUsage();
let lastThreadCpu = threadCpuMs();

const cpuMsSince = (before: NodeJS.CpuUsage) => {
  const now = process.cpuUsage(before);
  return (now.user + now.system) / 1000;
};

setInterval(() => {
  const now = performance.now();
  const gap = now - last;
  const threadCpu = threadCpuMs();
  if (gap > 10) gaps.push({ ms: gap, cpuMs: cpuMsSince(lastCpu), threadCpuMs: threadCpu - lastThreadCpu });
  last = now;
  lastCpu = process.cpuUsage();
  lastThreadCpu = threadCpu;
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
    /** The JavaScript thread's own CPU in a gap: its synchronous work, independent of the machine's load. */
    longestThreadCpuGapMs: round(Math.max(0, ...gaps.map((gap) => gap.threadCpuMs))),
    threadCpuGapsOver10Ms: gaps.filter((gap) => gap.threadCpuMs > 10).length,
    threadCpuGapsOver20Ms: gaps.filter((gap) => gap.threadCpuMs > 20).length,
  };
  // Whole or not at all: the soak reads the file as soon as it appears.
  if (reportPath) {
    writeFileSync(`${reportPath}.partial`, JSON.stringify(report));
    renameSync(`${reportPath}.partial`, reportPath);
  }
  gaps = [];
  since = performance.now();
});
