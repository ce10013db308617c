import { dlopen, FFIType, ptr } from "bun:ffi";

/**
 * How long this process's event loop was held up, told apart from the time the machine gave it no
 * CPU. A 2 ms interval timer notes every gap between its ticks longer than 10 ms, with the
 * process's CPU time during the gap: a gap mostly spent on CPU was the process's own synchronous
 * work (parsing, a write on this thread, GC); a gap with little CPU was the process waiting for a
 * core (a loaded machine). The CPU time of the JavaScript thread alone during a gap is its own
 * synchronous work (and its GC pauses), whatever the machine's load. Used in the soak's proxy
 * (bench/event-loop-monitor.ts) and in the soak's own process, host of the mock upstream.
 */
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

const cpuMsSince = (before: NodeJS.CpuUsage) => {
  const now = process.cpuUsage(before);
  return (now.user + now.system) / 1000;
};
const round = (value: number) => Math.round(value * 10) / 10;

/** Starts watching; `take()` returns the tally since the last call (or the start) and starts a new one. */
export function watchEventLoop(): { take(): Record<string, unknown> } {
  let gaps: Gap[] = [];
  let since = performance.now();
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let lastThreadCpu = threadCpuMs();
  setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    const threadCpu = threadCpuMs();
    if (gap > 10) gaps.push({ ms: gap, cpuMs: cpuMsSince(lastCpu), threadCpuMs: threadCpu - lastThreadCpu });
    last = now;
    lastCpu = process.cpuUsage();
    lastThreadCpu = threadCpu;
  }, 2).unref();
  return {
    take() {
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
      gaps = [];
      since = performance.now();
      return report;
    },
  };
}
