import { readFileSync } from "node:fs";
import { descendants } from "./process-watch";

/**
 * Who had the machine's CPU during a phase of the soak: the machine's busy and idle time (/proc/stat,
 * all cores) against the CPU of this process and every process under it (the proxy, its database
 * server, the mock upstream in this process, the load clients). A process that ended in between is
 * counted in its parent's cutime/cstime once reaped, so each one counts once. On a shared machine,
 * "everything else" is what other work took from the proxy.
 */
export interface CpuSnapshot {
  busyTicks: number;
  idleTicks: number;
  ownTicks: number;
  at: number;
}

/** utime + stime + cutime + cstime of one process, in clock ticks (1/100 s). */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return 0;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busyTicks = cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!;
  const idleTicks = cpu[3]! + cpu[4]!;
  const ownTicks = [process.pid, ...descendants(process.pid).map((child) => child.pid)].reduce((sum, pid) => sum + processTicks(pid), 0);
  return { busyTicks, idleTicks, ownTicks, at: performance.now() };
}

/** The phase between two snapshots, in core-seconds. */
export function describeShare(before: CpuSnapshot, after: CpuSnapshot): string {
  const seconds = (ticks: number) => (ticks / 100).toFixed(1);
  const busy = after.busyTicks - before.busyTicks;
  const own = after.ownTicks - before.ownTicks;
  const wall = (after.at - before.at) / 1000;
  return (
    `${seconds(busy)} of ${seconds(busy + after.idleTicks - before.idleTicks)} core-seconds busy in ${wall.toFixed(1)} s; ` +
    `this soak's processes (proxy, its database, mock upstream, clients) ${seconds(own)}, everything else on the machine ${seconds(Math.max(0, busy - own))}`
  );
}
