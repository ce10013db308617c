import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchBody } from "./bench-question";
import { processCpuMs, startChild } from "./child-process";
import { runLoad } from "./load";
import { descendants } from "./process-watch";

/**
 * `bun run bench/database-cpu.ts [requests at c=1] [requests at c=32] [rounds]`: the CPU per small
 * non-stream request of the proxy process and of its child processes (the embedded native
 * PostgreSQL: postmaster, backends, WAL writer...), at 1 and at 32 connections, in alternating
 * rounds. The database's CPU is not in the benchmark's "server CPU per request" but competes with
 * the proxy for the same cores. Read from /proc (all threads of each process, 10 ms ticks);
 * BENCH_PROXY_ENV as elsewhere (e.g. '{"LOG_FLUSH_INTERVAL_MS":"20"}').
 */
const counts = { 1: Number(process.argv[2] ?? 1_000), 32: Number(process.argv[3] ?? 4_000) };
const rounds = Number(process.argv[4] ?? 2);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-database-cpu-"));
await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir]).exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const proxy = await startChild("proxy", "serve-proxy.ts", { BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir });
const url = `${proxy.origin}/v1/chat/completions`;
const body = () => benchBody();

/** CPU ms per process id, the proxy and every process under it, with each child's name as ps shows it. Children that exited between two readings drop out (their CPU is lost, hence rounds). */
const snapshot = () =>
  new Map([{ pid: proxy.pid, command: "" }, ...descendants(proxy.pid)].map(({ pid, command }) => [pid, { cpuMs: processCpuMs(pid) || 0, name: nameOf(command) }]));
/** "postgres: walwriter" as is; a backend ("postgres: postgres postgres [local] idle") and the postmaster shortened. */
const nameOf = (command: string): string =>
  command.startsWith("postgres: postgres ") ? "postgres: backend" : command.startsWith("postgres:") ? command : "postgres: postmaster";
/** How often the JavaScript thread went to sleep (each sleep is a wake-up later, which costs CPU of its own). */
const sleeps = (): number => Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${proxy.pid}/task/${proxy.pid}/status`, "utf8"))?.[1] ?? 0);
const byName = { 1: new Map<string, number>(), 32: new Map<string, number>() };
const used = (before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>, names: Map<string, number>) => {
  let own = 0;
  let children = 0;
  for (const [pid, { cpuMs, name }] of after) {
    const spent = cpuMs - (before.get(pid)?.cpuMs ?? 0);
    if (pid === proxy.pid) own += spent;
    else {
      children += spent;
      names.set(name, (names.get(name) ?? 0) + spent);
    }
  }
  return { own, children };
};

await runLoad({ url, body, requests: 2_000, concurrency: 32, timeCapMs: 60_000 }, false);
await runLoad({ url, body, requests: 300, concurrency: 1, timeCapMs: 60_000 }, false);
const totals = { 1: { own: 0, children: 0, requests: 0, sleeps: 0 }, 32: { own: 0, children: 0, requests: 0, sleeps: 0 } };
for (let round = 0; round < rounds; round++) {
  for (const concurrency of round % 2 === 0 ? ([1, 32] as const) : ([32, 1] as const)) {
    const before = snapshot();
    const sleptBefore = sleeps();
    const result = await runLoad({ url, body, requests: counts[concurrency], concurrency, timeCapMs: 300_000 }, false);
    const spent = used(before, snapshot(), byName[concurrency]);
    totals[concurrency].own += spent.own;
    totals[concurrency].children += spent.children;
    totals[concurrency].requests += result.completed;
    totals[concurrency].sleeps += sleeps() - sleptBefore;
  }
}
console.log(`load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}; child processes now: ${descendants(proxy.pid).length}`);
for (const concurrency of [1, 32] as const) {
  const total = totals[concurrency];
  const perRequest = (ms: number) => ((ms * 1000) / total.requests).toFixed(0).padStart(5);
  console.log(`c=${String(concurrency).padEnd(3)} ${total.requests} requests: proxy ${perRequest(total.own)} µs/request, database (child processes) ${perRequest(total.children)} µs/request; the JavaScript thread slept ${(total.sleeps / total.requests).toFixed(2)} times a request`);
  for (const [name, ms] of [...byName[concurrency]].sort((a, b) => b[1] - a[1])) if (ms > 0) console.log(`      ${name.padEnd(40)} ${perRequest(ms)} µs/request`);
}
const report = await proxy.stop();
console.log(`log rows written: ${String(report?.logRows)}`);
await upstream.stop();
rmSync(dataDir, { recursive: true, force: true });
