import { readdirSync, readFileSync } from "node:fs";
import { threadCpuMs } from "./child-process";

/**
 * A benchmark server's threads, read from /proc. Bun's HTTP-client thread ("HTTP Client": the one `fetch` hands its requests to) of a benchmark
 * server, read from /proc: its CPU, and how often it went to sleep (voluntary context switches),
 * each wake being a hop that costs the machine more than the work it wakes for (bench/PROFILE.md).
 * 0 before the process's first fetch, when the thread does not exist yet.
 */
function httpClientTask(pid: number): string | undefined {
  try {
    return readdirSync(`/proc/${pid}/task`).find((task) => readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").trim() === "HTTP Client");
  } catch {
    return undefined;
  }
}

export function httpClientCpuMs(pid: number): number {
  const task = httpClientTask(pid);
  return task ? threadCpuMs(pid, task) : 0;
}

/** Voluntary context switches of a thread: how many times it waited (for its queue, a socket). */
export function threadSleeps(pid: number, task: number | string): number {
  try {
    return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${task}/status`, "utf8"))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

export function httpClientSleeps(pid: number): number {
  const task = httpClientTask(pid);
  return task ? threadSleeps(pid, task) : 0;
}

/** CPU so far of each thread of the process, summed by thread name (JavaScriptCore's "Heap Helper Thread"s together, …). */
export function cpuByThreadName(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const name = task === String(pid) ? "JavaScript" : readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").trim();
      byName.set(name, (byName.get(name) ?? 0) + (threadCpuMs(pid, task) || 0));
    }
  } catch {
    // The process is gone.
  }
  return byName;
}
