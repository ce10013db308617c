import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * What the soak watches of the proxy process, read from /proc: resident memory, open file
 * descriptors by kind, and the processes it started (children and their children).
 */
export function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** Where each open descriptor points: "socket:[123]", "anon_inode:[eventfd]", a file path. */
export function descriptorTargets(pid: number): Map<number, string> {
  const targets = new Map<number, string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      targets.set(Number(fd), readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // Closed meanwhile.
    }
  }
  return targets;
}

/** Open descriptors by kind: socket, pipe, anon_inode, file. */
export function countByKind(targets: Map<number, string>): Record<string, number> {
  const kinds: Record<string, number> = { total: targets.size };
  for (const target of targets.values()) {
    const kind = /^(socket|pipe|anon_inode):/.exec(target)?.[1] ?? "file";
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

/** Every live process descended from `pid`, with its command line. */
export function descendants(pid: number): Array<{ pid: number; command: string }> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z") parents.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const found: Array<{ pid: number; command: string }> = [];
  const walk = (parent: number) => {
    for (const [child, itsParent] of parents) {
      if (itsParent !== parent) continue;
      let command = "";
      try {
        command = readFileSync(`/proc/${child}/cmdline`, "utf8").replaceAll("\0", " ").trim().slice(0, 120);
      } catch {
        continue;
      }
      found.push({ pid: child, command });
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** Whether a process is still alive (a zombie counts as dead). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * Memory of a process and every process it started (an embedded database server and its
 * backends), in bytes. PSS (proportional set size, /proc/PID/smaps_rollup) counts a page shared by
 * n processes as 1/n in each, so the sum is what the tree really costs: PostgreSQL's backends share
 * its binary and shared buffers, which RSS would count once per process.
 */
export interface TreeMemory {
  rss: number;
  pss: number;
  processes: number;
}

export function treeMemory(pid: number): TreeMemory | undefined {
  const own = rollup(pid);
  if (!own) return undefined;
  const total = { ...own, processes: 1 };
  for (const child of descendants(pid)) {
    const memory = rollup(child.pid);
    if (!memory) continue;
    total.rss += memory.rss;
    total.pss += memory.pss;
    total.processes++;
  }
  return total;
}

/** RSS and PSS of one process, in bytes; undefined once it is gone. */
export function rollup(pid: number): { rss: number; pss: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
    return { rss: kib("Rss"), pss: kib("Pss") };
  } catch {
    return undefined;
  }
}
