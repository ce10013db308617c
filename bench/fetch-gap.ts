import { readFileSync } from "node:fs";
import { httpClientCpuMs, httpClientSleeps, threadSleeps } from "./server-threads";
import { type BenchChild, mainThreadCpuMs, processCpuMs, startChild } from "./child-process";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";
import { benchBody } from "./bench-question";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/fetch-gap.ts [c32|c1 ...]`: why the proxy's upstream call costs more than the JSON
 * floor's, by construction. Each side is bench/serve-fetch-gap.ts (the floor's non-stream path) with
 * FETCH_GAP set to the side's name: one of the proxy's differences swapped in (`headers`, `view-body`,
 * `signal`, `text-read`, `direct`: the proxy's own call), `canned` (no fetch), `burn=<µs>` / `sweep=<KiB>`
 * / `ballast` (the proxy's context: JavaScript work before the fetch, cold caches, a larger live heap),
 * `immediate` (fetches started together), or several joined with commas; `floor` is none. A fetch's
 * cost is a side against the same side with `canned`. All against one mock upstream, every side in
 * every round, the order reversed every other round; CPU per request from /proc, the process's
 * JavaScript thread and Bun's HTTP-client thread apart, with how often each went to sleep
 * (server-threads.ts). FETCH_GAP_SIDES='a;b;c', FETCH_GAP_ROUNDS (4), FETCH_GAP_SCALE (1).
 */
const defaultSides = "floor;canned;direct;burn=300;burn=300,canned;burn=300,direct";
const chosen = (process.env.FETCH_GAP_SIDES ?? defaultSides).split(";");
const phaseNames = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["c32", "c1"];
const rounds = Number(process.env.FETCH_GAP_ROUNDS ?? 4);
const scale = Number(process.env.FETCH_GAP_SCALE ?? 1);
const phases: Record<string, { requests: number; concurrency: number }> = {
  c32: { requests: Math.round(2_000 * scale), concurrency: 32 },
  c1: { requests: Math.round(300 * scale), concurrency: 1 },
};

const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const servers: Record<string, BenchChild> = {};
for (const name of chosen) {
  servers[name] = await startChild(name, "serve-fetch-gap.ts", { ...startEnvironment(), BENCH_UPSTREAM_ORIGIN: upstream.origin, FETCH_GAP: name === "floor" ? "" : name });
}
const load = (name: string, requests: number, concurrency: number) =>
  runLoad({ url: `${servers[name]!.origin}/v1/chat/completions`, body: () => benchBody(), requests, concurrency, timeCapMs: 120_000 }, false);
for (const name of chosen) await load(name, 1_500, 32);

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`fetch-gap: ${chosen.length} sides, ${rounds} rounds; load average ${loadAverage()}`);
for (const phaseName of phaseNames) {
  const phase = phases[phaseName];
  if (!phase) throw new Error(`unknown phase ${phaseName}: c32 or c1`);
  const runs: Record<string, LoadResult[]> = {};
  const cpu: Record<string, { process: number; js: number; http: number; jsWakes: number; httpWakes: number }> = {};
  for (const name of chosen) (runs[name] = []), (cpu[name] = { process: 0, js: 0, http: 0, jsWakes: 0, httpWakes: 0 });
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? chosen : chosen.toReversed()) {
      const { pid } = servers[name]!;
      const before = { process: processCpuMs(pid), js: mainThreadCpuMs(pid), http: httpClientCpuMs(pid), jsWakes: threadSleeps(pid, pid), httpWakes: httpClientSleeps(pid) };
      runs[name]!.push(await load(name, phase.requests, phase.concurrency));
      const sum = cpu[name]!;
      sum.process += processCpuMs(pid) - before.process;
      sum.js += mainThreadCpuMs(pid) - before.js;
      sum.http += httpClientCpuMs(pid) - before.http;
      sum.jsWakes += threadSleeps(pid, pid) - before.jsWakes;
      sum.httpWakes += httpClientSleeps(pid) - before.httpWakes;
    }
  }
  console.log(`${phaseName}: ${phase.concurrency} at once, ${phase.requests * rounds} requests per side; load average ${loadAverage()}`);
  const floorP50 = percentile(mergeResults(runs[chosen[0]!]!).latencies, 50);
  for (const name of chosen) {
    const result = mergeResults(runs[name]!);
    const perRequest = (ms: number) => ((ms / result.completed) * 1000).toFixed(0).padStart(5);
    const { process, js, http, jsWakes, httpWakes } = cpu[name]!;
    const perRequestCount = (count: number) => (count / result.completed).toFixed(2);
    const p50 = percentile(result.latencies, 50);
    console.log(
      `  ${name.padEnd(24)} CPU ${perRequest(process)} µs/request (JS thread ${perRequest(js)}, HTTP client ${perRequest(http)}, other ${perRequest(process - js - http)}); ` +
        `sleeps a request: JS ${perRequestCount(jsWakes)}, HTTP client ${perRequestCount(httpWakes)}; ` +
        `p50 ${p50.toFixed(3)} ms (${p50 >= floorP50 ? "+" : ""}${(p50 - floorP50).toFixed(3)}); ${((result.completed / result.elapsedMs) * 1000).toFixed(0)} req/s; failed ${result.failed}${result.firstFailure ? ` (${result.firstFailure})` : ""}`,
    );
  }
}
for (const name of chosen) await servers[name]!.stop();
await upstream.stop();
