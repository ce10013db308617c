import { readFileSync } from "node:fs";
import { descendants, rollup } from "./process-watch";

/**
 * The benchmark's memory figures for a server process and every process it started (the embedded
 * PostgreSQL server and its backends): the server's own RSS (its exact lifetime peak from VmHWM)
 * plus its children's PSS, sampled. Peak = own VmHWM + the children's sampled peak PSS: a sum of
 * peaks, so never below the true peak of the sum. PSS splits pages the children share (the
 * postgres binary, shared buffers) among them instead of counting them once per process.
 */
export interface MemoryFigures {
  /** Own RSS plus children's PSS, a moment after start, before any request. */
  idle: number;
  ownPeak: number;
  childrenPeak: number;
  peak: number;
  /** Most processes seen in the tree at once (1 = no children). */
  processes: number;
}

export interface MemoryWatch {
  /** Forgets the peaks so far (after the warm-up); VmHWM is the process's lifetime peak and stays. */
  reset(): void;
  figures(): MemoryFigures;
  stop(): void;
}

const ownStatus = (pid: number, field: "VmRSS" | "VmHWM") => {
  try {
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) * 1024;
  } catch {
    return NaN;
  }
};

function childrenPss(pid: number): { pss: number; count: number } {
  let pss = 0;
  let count = 0;
  for (const child of descendants(pid)) {
    const memory = rollup(child.pid);
    if (!memory) continue;
    pss += memory.pss;
    count++;
  }
  return { pss, count };
}

/** Own RSS plus children's PSS now. */
export function treeNow(pid: number): number {
  return ownStatus(pid, "VmRSS") + childrenPss(pid).pss;
}

/** Samples a server's children every `intervalMs` (scanning /proc for them costs a few ms). */
export async function watchMemory(pid: number, intervalMs = 100, settleMs = 1_000): Promise<MemoryWatch> {
  await Bun.sleep(settleMs);
  const idle = treeNow(pid);
  let childrenPeak = 0;
  let processes = 1;
  let lastOwnHwm = ownStatus(pid, "VmHWM");
  const sample = () => {
    const { pss, count } = childrenPss(pid);
    childrenPeak = Math.max(childrenPeak, pss);
    processes = Math.max(processes, count + 1);
    const hwm = ownStatus(pid, "VmHWM");
    if (Number.isFinite(hwm)) lastOwnHwm = hwm;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    reset() {
      childrenPeak = 0;
      sample();
    },
    figures() {
      sample();
      return { idle, ownPeak: lastOwnHwm, childrenPeak, peak: lastOwnHwm + childrenPeak, processes };
    },
    stop: () => clearInterval(timer),
  };
}

/** Runs a command to its end, sampling its tree; returns own VmHWM + children's peak PSS. */
export async function firstStartPeak(command: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ peak: number; processes: number }> {
  const child = Bun.spawn(command, { stdout: "inherit", stderr: "inherit", env: { ...process.env, ...env } });
  let childrenPeak = 0;
  let ownPeak = 0;
  let processes = 1;
  const sample = () => {
    const { pss, count } = childrenPss(child.pid);
    childrenPeak = Math.max(childrenPeak, pss);
    processes = Math.max(processes, count + 1);
    const hwm = ownStatus(child.pid, "VmHWM");
    if (Number.isFinite(hwm)) ownPeak = Math.max(ownPeak, hwm);
  };
  const timer = setInterval(sample, 25);
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await child.exited;
  clearInterval(timer);
  clearTimeout(killer);
  if (code !== 0) throw new Error(`the first start failed (exit code ${code})`);
  // The exact lifetime peak of the process itself (the sampler may have missed its last moments).
  ownPeak = Math.max(ownPeak, child.resourceUsage()?.maxRSS ?? 0); // Bytes (a Subprocess's, unlike process.resourceUsage()).
  return { peak: ownPeak + childrenPeak, processes };
}

/** Issue 15's memory targets, in MiB. */
export const memoryTargets = { embedded: { idle: 100, peak: 200, firstStart: 300 }, server: { peak: 120 } };

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function memoryLines(bare: MemoryFigures, proxy: MemoryFigures, firstStart: { peak: number; processes: number }, withServer: boolean): string[] {
  const row = (label: string, left: string, right: string) => `${label.padEnd(36)}${left.padStart(12)}${right.padStart(12)}`;
  return [
    `— memory (each server with every process it started: own RSS + children's PSS)`,
    row("  idle, 1 s after start", mib(bare.idle), mib(proxy.idle)),
    row("  own peak RSS (VmHWM)", mib(bare.ownPeak), mib(proxy.ownPeak)),
    row("  children's peak PSS (sampled)", mib(bare.childrenPeak), mib(proxy.childrenPeak)),
    row("  peak (own + children)", mib(bare.peak), mib(proxy.peak)),
    row("  processes", String(bare.processes), String(proxy.processes)),
    `  first start only (${withServer ? "migrations" : "new data directory + migrations"}, own process${firstStart.processes > 1 ? ` and ${firstStart.processes - 1} children` : ""}): peak ${mib(firstStart.peak)}`,
  ];
}

export function memoryChecks(proxy: MemoryFigures, firstStart: { peak: number }, withServer: boolean): Array<[string, boolean]> {
  const inMib = (bytes: number) => bytes / 1024 / 1024;
  if (withServer) {
    const target = memoryTargets.server.peak;
    return [[`proxy peak with DATABASE_URL = ${mib(proxy.peak)} (target ≤ ${target} MiB)`, inMib(proxy.peak) <= target]];
  }
  const { idle, peak, firstStart: firstTarget } = memoryTargets.embedded;
  return [
    [`proxy idle with the zero-setup database = ${mib(proxy.idle)}, its children included (target ≤ ${idle} MiB)`, inMib(proxy.idle) <= idle],
    [`proxy peak with the zero-setup database = ${mib(proxy.peak)}, its children included (target ≤ ${peak} MiB)`, inMib(proxy.peak) <= peak],
    [`first start peak = ${mib(firstStart.peak)} (target ≤ ${firstTarget} MiB)`, inMib(firstStart.peak) <= firstTarget],
  ];
}
