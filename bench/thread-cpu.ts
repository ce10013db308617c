import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mixedAgentBodies } from "./agent-requests";
import { startChild } from "./child-process";
import { runLoad } from "./load";
import { summarizeGcLog } from "./gc-log-summary";
import { createScratchDatabase } from "./scratch-database";
import { benchBody } from "./bench-question";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/thread-cpu.ts [requests [agent bytes]]`: which of the proxy's threads spend its CPU under the
 * benchmark's small non-stream load at 32 connections (the JavaScript thread, Bun's HTTP client
 * thread, the JIT and GC helpers), read from /proc per thread. Bun's sampling profiler sees only the
 * JavaScript thread; this says how much of the CPU per request that is. BENCH_DATABASE_URL as elsewhere.
 * THREAD_CPU_GC_LOG=1 also counts the collections and the heap's allocation per request (gc-log-summary.ts).
 * THREAD_CPU_STREAM=1 runs the benchmark's streams instead (64 at once; "request" then means one stream),
 * and THREAD_CPU_SERVER=bare measures the bare pass-through (serve-bare.ts) under the same load;
 * THREAD_CPU_SERVER=restream the same with one JavaScript layer re-streaming the body (serve-restream.ts).
 */
const requests = Number(process.argv[2] ?? 8_000);
// A second argument, bytes: agent-sized requests of about that size, one at a time (agent-requests.ts).
const agentBytes = process.argv[3] ? Number(process.argv[3]) : undefined;
const stream = process.env.THREAD_CPU_STREAM === "1";
const concurrency = Number(process.env.THREAD_CPU_CONCURRENCY ?? (agentBytes ? 1 : stream ? 64 : 32));
const restream = process.env.THREAD_CPU_SERVER === "restream";
const bare = process.env.THREAD_CPU_SERVER === "bare" || restream;
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-threads-"));
const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir, ...(scratch ? [scratch.url] : [])]).exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
// THREAD_CPU_BUN_FLAGS="--smol": runtime flags for the proxy's `bun` (space-separated).
const bunFlags = (process.env.THREAD_CPU_BUN_FLAGS ?? "").split(" ").filter(Boolean);
// As `bun run start` runs it: the start script's runtime variables (start-environment.ts), overridable from the environment.
// THREAD_CPU_GC_LOG=1: the proxy runs with BUN_JSC_logGC=1 and its collections during the measured load are counted.
const gcLog = process.env.THREAD_CPU_GC_LOG === "1";
const proxy = await startChild(
  restream ? "re-streaming pass-through" : bare ? "bare pass-through" : "proxy",
  restream ? "serve-restream.ts" : bare ? "serve-bare.ts" : "serve-proxy.ts",
  { ...startEnvironment(), BENCH_UPSTREAM_ORIGIN: upstream.origin, BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...(scratch ? { BENCH_DATABASE_URL: scratch.url } : {}), ...(gcLog ? { BUN_JSC_logGC: "1" } : {}) },
  bunFlags,
  undefined,
  gcLog,
);
const smallBody = () => benchBody({ stream });
const body = agentBytes ? mixedAgentBodies(agentBytes).body : smallBody;
const url = `${proxy.origin}/v1/chat/completions`;
await runLoad({ url, body, requests: agentBytes ? 200 : stream ? 256 : 2_000, concurrency, timeCapMs: 60_000 }, stream);

const ticks = () => {
  const perThread = new Map<string, number>();
  for (const task of readdirSync(`/proc/${proxy.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${proxy.pid}/task/${task}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/\d+$/, "#");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      perThread.set(`${name} ${task}`, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended.
    }
  }
  return perThread;
};
/** The process's minor page faults so far (on some VMs each costs microseconds). */
const minorFaults = () => Number(readFileSync(`/proc/${proxy.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[7]);
const before = ticks();
const faultsBefore = minorFaults();
const gcLogFrom = proxy.stderr().length;
// THREAD_CPU_PERF=<file>: also record the proxy with `perf` (cpu-clock, call graphs) while the load runs.
const perfFile = process.env.THREAD_CPU_PERF;
const perf = perfFile ? Bun.spawn(["perf", "record", "-e", "cpu-clock", "-F", "4000", "-g", "-p", String(proxy.pid), "-o", perfFile], { stdout: "ignore", stderr: "ignore" }) : undefined;
const result = await runLoad({ url, body, requests, concurrency, timeCapMs: 300_000 }, stream);
const after = ticks();
const faults = minorFaults() - faultsBefore;
const gcLogTo = proxy.stderr().length;
perf?.kill("SIGINT");
await perf?.exited;
const byName = new Map<string, number>();
for (const [thread, value] of after) {
  const name = thread.split(" ")[0]!;
  byName.set(name, (byName.get(name) ?? 0) + value - (before.get(thread) ?? 0));
}
const total = [...byName.values()].reduce((sum, value) => sum + value, 0);
console.log(`${result.completed} requests, ${result.failed} failed; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
console.log(`  runtime settings     ${Object.entries(startEnvironment()).map(([name, value]) => `${name}=${value}`).join(" ")}`);
console.log(`  proxy's own peak RSS ${((proxy.memory()?.peak ?? NaN) / 2 ** 20).toFixed(1)} MiB`);
console.log(`  minor page faults    ${(faults / result.completed).toFixed(1).padStart(5)} per request`);
if (gcLog) {
  const gc = summarizeGcLog(proxy.stderr().slice(gcLogFrom, gcLogTo));
  if (process.env.THREAD_CPU_GC_LOG_FILE) await Bun.write(process.env.THREAD_CPU_GC_LOG_FILE, proxy.stderr().slice(gcLogFrom, gcLogTo));
  const perThousand = (count: number) => ((1000 * count) / result.completed).toFixed(1);
  console.log(`  collections          ${perThousand(gc.eden)} eden, ${perThousand(gc.full)} full per 1000 requests; pauses ${perThousand(gc.pauseMs)} ms per 1000`);
  console.log(`  heap allocation      ${(gc.allocatedBytes / result.completed / 1024).toFixed(1)} KiB per request (cycles that ended in a collection)`);
  console.log(`  per eden collection  heap kept ${gc.edenGrowthKb} kB, marked ${gc.edenMarkedKb} kB (medians)`);
}
for (const [name, value] of [...byName].sort((a, b) => b[1] - a[1])) {
  if (value === 0) continue;
  console.log(`  ${name.padEnd(20)} ${((value * 10_000) / result.completed).toFixed(0).padStart(5)} µs/request  ${((100 * value) / total).toFixed(1)}%`);
}
await Promise.all([proxy.stop(), upstream.stop()]);
rmSync(dataDir, { recursive: true, force: true });
await scratch?.drop();
