import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { type BenchChild, mainThreadCpuMs, processCpuMs, startChild } from "./child-process";
import { cpuByThreadName, httpClientCpuMs, httpClientSleeps } from "./server-threads";
import { summarizeGcLog } from "./gc-log-summary";
import { descendants } from "./process-watch";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";
import { benchBody } from "./bench-question";
import { startEnvironment } from "./start-environment";
import { BENCH_BUDGET_ENV } from "./bench-budget";
import { type ScratchDatabase, createScratchDatabase } from "./scratch-database";

/**
 * `bun run bench/floor-bisect.ts [c32|c1|stream ...]`: where the proxy's CPU goes beyond a JSON floor, by
 * construction rather than sampling. Each side is its own server process against one mock upstream:
 * the bare pass-through, the JSON floor (serve-restream.ts, RESTREAM_KIND=json), and the proxy with
 * layers cut or replaced (serve-proxy-layers.ts), from "the floor inside Hono" up to the full proxy.
 * Every side runs in every round, the order reversed every other round, so a change of load on the
 * shared machine hits all of them alike. CPU per request is the server process's from /proc (10 ms
 * ticks), its JavaScript thread's, Bun's HTTP-client thread's (with how often it went to sleep:
 * server-threads.ts), and its children's (the embedded PostgreSQL) apart.
 * BENCH_DATABASE_URL as in run-benchmark.ts: each proxy side logs to its own scratch database there.
 * FLOOR_BISECT_SIDES='a;b;c' picks sides by name (`lean+cache`, `full-log`: one stage switched on over
 * lean, or off under full); FLOOR_BISECT_ROUNDS (4) and FLOOR_BISECT_SCALE (1)
 * set the rounds and the requests per round. FLOOR_BISECT_GC=1 runs every side with BUN_JSC_logGC=1
 * and prints its collections a request (gc-log-summary.ts); FLOOR_BISECT_THREADS=1 prints CPU a request
 * by thread name.
 */
const lean = { CACHE_ENABLED: "false", COMPRESSION: "off", BUDGET_DAILY_USD: "", LOG_REQUESTS: "false" };
interface SideSpec {
  script: string;
  cuts?: string;
  proxyEnv?: Record<string, string>;
  pglite?: boolean;
  /** Runtime variables over the start script's; `startEnvironment: false` runs with Bun's defaults. */
  env?: Record<string, string>;
  startEnvironment?: boolean;
  /** The server's stderr to a pipe this process reads (and drops), not to this process's stderr. */
  captureStderr?: boolean;
}
const specs: Record<string, SideSpec> = {
  bare: { script: "serve-bare.ts" },
  floor: { script: "serve-restream.ts" },
  "hono-floor": { script: "serve-proxy-layers.ts", cuts: "hono-floor", proxyEnv: lean },
  "hono-floor,ballast": { script: "serve-proxy-layers.ts", cuts: "hono-floor,ballast", proxyEnv: lean },
  "door-only": { script: "serve-proxy-layers.ts", cuts: "door-only", proxyEnv: lean },
  "app,canned-stages,no-log": { script: "serve-proxy-layers.ts", cuts: "canned-stages,no-log", proxyEnv: lean },
  "app,canned-stages": { script: "serve-proxy-layers.ts", cuts: "canned-stages", proxyEnv: lean },
  "lean,upto-compress": { script: "serve-proxy-layers.ts", cuts: "upto-compress", proxyEnv: lean },
  "lean,upto-classify": { script: "serve-proxy-layers.ts", cuts: "upto-classify", proxyEnv: lean },
  "lean,upto-classify,classify-extract": { script: "serve-proxy-layers.ts", cuts: "upto-classify,classify-extract", proxyEnv: lean },
  "lean,upto-classify,classify-describe": { script: "serve-proxy-layers.ts", cuts: "upto-classify,classify-describe", proxyEnv: lean },
  "lean,upto-route": { script: "serve-proxy-layers.ts", cuts: "upto-route", proxyEnv: lean },
  "lean,upto-budget": { script: "serve-proxy-layers.ts", cuts: "upto-budget", proxyEnv: lean },
  "lean,upto-budget,canned-served": { script: "serve-proxy-layers.ts", cuts: "upto-budget,canned-served", proxyEnv: lean },
  "lean,canned-provider": { script: "serve-proxy-layers.ts", cuts: "canned-provider", proxyEnv: lean },
  "lean,delayed-upstream": { script: "serve-proxy-layers.ts", cuts: "delayed-upstream", proxyEnv: lean },
  "lean,canned-upstream": { script: "serve-proxy-layers.ts", cuts: "canned-upstream", proxyEnv: lean },
  "lean,plain-fetch": { script: "serve-proxy-layers.ts", cuts: "plain-fetch", proxyEnv: lean },
  "lean,unsignalled-fetch": { script: "serve-proxy-layers.ts", cuts: "unsignalled-fetch", proxyEnv: lean },
  "lean,socket-fetch": { script: "serve-proxy-layers.ts", cuts: "socket-fetch", proxyEnv: lean },
  "full,socket-fetch": { script: "serve-proxy-layers.ts", cuts: "socket-fetch", proxyEnv: {} },
  "lean,ballast": { script: "serve-proxy-layers.ts", cuts: "ballast", proxyEnv: lean },
  "lean,ram512": { script: "serve-proxy-layers.ts", proxyEnv: lean, env: { BUN_JSC_forceRAMSize: String(512 * 1024 * 1024) } },
  "lean,bun-defaults": { script: "serve-proxy-layers.ts", proxyEnv: lean, startEnvironment: false },
  "lean,no-log": { script: "serve-proxy-layers.ts", cuts: "no-log", proxyEnv: lean },
  "lean,no-log-write": { script: "serve-proxy-layers.ts", cuts: "no-log-write", proxyEnv: lean },
  "lean,no-classify": { script: "serve-proxy-layers.ts", cuts: "no-classify", proxyEnv: lean },
  "lean,pglite": { script: "serve-proxy-layers.ts", proxyEnv: { ...lean, EMBEDDED_DATABASE: "pglite" }, pglite: true },
  lean: { script: "serve-proxy-layers.ts", proxyEnv: lean },
  full: { script: "serve-proxy-layers.ts", proxyEnv: {} },
  "full,no-log": { script: "serve-proxy-layers.ts", cuts: "no-log", proxyEnv: {} },
  "full,no-log-write": { script: "serve-proxy-layers.ts", cuts: "no-log-write", proxyEnv: {} },
  "full,flush-50ms": { script: "serve-proxy-layers.ts", proxyEnv: { LOG_FLUSH_INTERVAL_MS: "50" } },
};
// One of the four switches lean turns off, on over lean (`lean+cache`) or off under full (`full-cache`):
// what each stage costs alone and what it costs with the others on. The budget as the benchmark runs
// it (bench-budget.ts: a daily limit every request reserves and settles against).
const stageSwitches: Record<string, Record<string, string>> = {
  cache: { CACHE_ENABLED: "true" },
  compression: { COMPRESSION: "safe" },
  budget: { BUDGET_DAILY_USD: BENCH_BUDGET_ENV.BUDGET_DAILY_USD! },
  log: { LOG_REQUESTS: "true" },
};
// The bench's LOG_LEVEL is silent (bench-proxy-config.ts), which skips the request line whatever
// LOG_REQUESTS says: `+log-line` sides run at LOG_LEVEL=info (the default), the line written to a
// pipe the parent reads, as to a terminal or journald.
const info = { LOG_LEVEL: "info" };
for (const [stage, on] of Object.entries(stageSwitches)) {
  const off = Object.fromEntries(Object.keys(on).map((key) => [key, lean[key as keyof typeof lean]]));
  specs[`lean+${stage}`] = { script: "serve-proxy-layers.ts", proxyEnv: { ...lean, ...on } };
  specs[`full-${stage}`] = { script: "serve-proxy-layers.ts", proxyEnv: off };
}
// Where the cache's cost goes: keying and looking up only, and storing without the table write.
specs["lean+cache,lookup-only"] = { script: "serve-proxy-layers.ts", cuts: "cache-lookup-only", proxyEnv: { ...lean, ...stageSwitches.cache } };
specs["lean+cache,memory-only"] = { script: "serve-proxy-layers.ts", cuts: "cache-memory-only", proxyEnv: { ...lean, ...stageSwitches.cache } };
specs["lean+cache,index-full"] = { script: "serve-proxy-layers.ts", cuts: "cache-index-full", proxyEnv: { ...lean, ...stageSwitches.cache } };
specs["full,index-full"] = { script: "serve-proxy-layers.ts", cuts: "cache-index-full", proxyEnv: {} };
specs["lean+log-line"] = { script: "serve-proxy-layers.ts", proxyEnv: { ...lean, ...info, LOG_REQUESTS: "true" }, captureStderr: true };
specs["full+info"] = { script: "serve-proxy-layers.ts", proxyEnv: info, captureStderr: true };
specs["full+info-log"] = { script: "serve-proxy-layers.ts", proxyEnv: { ...info, LOG_REQUESTS: "false" }, captureStderr: true };
// FLOOR_BISECT_BASELINE=<another checkout>: every side also as `before:<side>`, run from that
// checkout's src/ (with this checkout's serve-proxy-layers.ts copied into its bench/, and left there), for a change
// measured side by side in the same rounds.
const baselineTree = process.env.FLOOR_BISECT_BASELINE;
if (baselineTree) {
  const copied = join(resolve(baselineTree), "bench", "serve-proxy-layers.floor-bisect.ts");
  writeFileSync(copied, readFileSync(join(import.meta.dir, "serve-proxy-layers.ts")));
  for (const [name, spec] of Object.entries(specs)) if (spec.script === "serve-proxy-layers.ts") specs[`before:${name}`] = { ...spec, script: relative(import.meta.dir, copied) };
}
const logGc = process.env.FLOOR_BISECT_GC === "1";
const byThread = process.env.FLOOR_BISECT_THREADS === "1";
const chosen = process.env.FLOOR_BISECT_SIDES ? process.env.FLOOR_BISECT_SIDES.split(";") : Object.keys(specs);
for (const name of chosen) if (!specs[name]) throw new Error(`unknown side ${name}; sides: ${Object.keys(specs).join("; ")}`);
const phaseNames = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["c32"];
const rounds = Number(process.env.FLOOR_BISECT_ROUNDS ?? 4);
const scale = Number(process.env.FLOOR_BISECT_SCALE ?? 1);
const phases: Record<string, { requests: number; concurrency: number; stream?: boolean }> = {
  c32: { requests: Math.round(1_000 * scale), concurrency: 32 },
  c1: { requests: Math.round(150 * scale), concurrency: 1 },
  // The benchmark's stream phase (64 streams at once, stream-shape.ts); p50 is the first byte's.
  stream: { requests: Math.round(256 * scale), concurrency: 64, stream: true },
};

const temporary = mkdtempSync(join(tmpdir(), "claude-proxy-bisect-"));
// The embedded PostgreSQL runs as `nobody` when started as root: it must be able to enter the parent.
chmodSync(temporary, 0o755);
// BENCH_DATABASE_URL=postgres://… (as `bun run bench:postgres` gives run-benchmark.ts): each proxy side but a PGlite one logs
// to a scratch database of its own on that server (scratch-database.ts), dropped afterwards; else to its embedded database.
const databaseServerUrl = process.env.BENCH_DATABASE_URL;
const scratchDatabases: Array<ScratchDatabase | undefined> = [];
// Each proxy side its own initialised data dir (each locks its own), made in parallel, and its database migrated, as on every start after the first.
const dataDirs = await Promise.all(
  chosen.map(async (name, index) => {
    const dir = join(temporary, `side-${index}`);
    const spec = specs[name]!;
    const kind = spec.pglite ? "pglite" : "postgres";
    const scratch = databaseServerUrl && spec.proxyEnv && !spec.pglite ? await createScratchDatabase(databaseServerUrl) : undefined;
    scratchDatabases[index] = scratch;
    await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dir, ...(scratch ? [scratch.url] : [])], { env: { ...process.env, EMBEDDED_DATABASE: kind } }).exited;
    return dir;
  }),
);

const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const servers: Record<string, BenchChild> = {};
for (const [index, name] of chosen.entries()) {
  const spec = specs[name]!;
  const dataDir = dataDirs[index]!;
  servers[name] = await startChild(name, spec.script, {
    ...(spec.startEnvironment === false ? {} : startEnvironment()),
    ...spec.env,
    BENCH_UPSTREAM_ORIGIN: upstream.origin,
    BENCH_UPSTREAM_URL: `${upstream.origin}/v1`,
    BENCH_DATA_DIR: dataDir,
    // Empty for a side without a scratch database: not the server's URL this process was given.
    BENCH_DATABASE_URL: scratchDatabases[index]?.url ?? "",
    RESTREAM_KIND: "json",
    LAYERS_CUTS: spec.cuts ?? "",
    BENCH_PROXY_ENV: JSON.stringify(spec.proxyEnv ?? {}),
    ...(logGc ? { BUN_JSC_logGC: "1" } : {}),
  }, [], 60_000, spec.captureStderr || logGc);
}

const load = (name: string, requests: number, concurrency: number, stream = false) =>
  runLoad({ url: `${servers[name]!.origin}/v1/chat/completions`, body: () => benchBody({ stream }), requests, concurrency, timeCapMs: 120_000 }, stream);
for (const name of chosen) await load(name, 1_500, 32);

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const childrenCpu = (pid: number) => new Map(descendants(pid).map(({ pid: child }) => [child, processCpuMs(child) || 0]));
const since = (after: Map<number, number>, before: Map<number, number>) => [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

console.log(`floor-bisect: ${chosen.length} sides, ${rounds} rounds; load average ${loadAverage()}`);
console.log(
  databaseServerUrl
    ? "request log: each proxy side its own scratch database on BENCH_DATABASE_URL's PostgreSQL server, dropped afterwards (a PGlite side its PGlite); the server's CPU is not in the database column"
    : "request log: each proxy side its own embedded database in a temp DATA_DIR (native PostgreSQL, a PGlite side PGlite)",
);
for (const phaseName of phaseNames) {
  const phase = phases[phaseName];
  if (!phase) throw new Error(`unknown phase ${phaseName}: c32, c1 or stream`);
  const runs: Record<string, LoadResult[]> = {};
  const cpu: Record<string, { process: number; js: number; database: number; http: number; httpSleeps: number }> = {};
  const gc: Record<string, { eden: number; full: number; pauseMs: number; allocatedBytes: number }> = {};
  const threads: Record<string, Map<string, number>> = {};
  for (const name of chosen) (runs[name] = []), (cpu[name] = { process: 0, js: 0, database: 0, http: 0, httpSleeps: 0 }), (gc[name] = { eden: 0, full: 0, pauseMs: 0, allocatedBytes: 0 }), (threads[name] = new Map());
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? chosen : chosen.toReversed()) {
      const { pid } = servers[name]!;
      const [before, jsBefore, childrenBefore, httpBefore, sleepsBefore] = [processCpuMs(pid), mainThreadCpuMs(pid), childrenCpu(pid), httpClientCpuMs(pid), httpClientSleeps(pid)];
      const logStart = servers[name]!.stderr().length;
      const threadsBefore = byThread ? cpuByThreadName(pid) : undefined;
      runs[name]!.push(await load(name, phase.requests, phase.concurrency, phase.stream));
      if (logGc) {
        const summary = summarizeGcLog(servers[name]!.stderr().slice(logStart));
        for (const key of ["eden", "full", "pauseMs", "allocatedBytes"] as const) gc[name]![key] += summary[key];
      }
      cpu[name]!.process += processCpuMs(pid) - before;
      cpu[name]!.js += mainThreadCpuMs(pid) - jsBefore;
      cpu[name]!.database += since(childrenCpu(pid), childrenBefore);
      cpu[name]!.http += httpClientCpuMs(pid) - httpBefore;
      cpu[name]!.httpSleeps += httpClientSleeps(pid) - sleepsBefore;
      if (threadsBefore) for (const [thread, ms] of cpuByThreadName(pid)) threads[name]!.set(thread, (threads[name]!.get(thread) ?? 0) + ms - (threadsBefore.get(thread) ?? 0));
    }
  }
  console.log(`${phaseName}: ${phase.concurrency} at once, ${phase.requests * rounds} requests per side; load average ${loadAverage()}`);
  const samples = (result: LoadResult) => (phase.stream ? result.ttfbs : result.latencies);
  const bareP50 = percentile(samples(mergeResults(runs.bare ?? runs[chosen[0]!]!)), 50);
  for (const name of chosen) {
    const result = mergeResults(runs[name]!);
    const perRequest = (ms: number) => ((ms / result.completed) * 1000).toFixed(0).padStart(5);
    const { process, js, database, http, httpSleeps } = cpu[name]!;
    console.log(
      `  ${name.padEnd(36)} CPU ${perRequest(process)} µs/request (JS thread ${perRequest(js)}, HTTP client ${perRequest(http)} with ${(httpSleeps / result.completed).toFixed(2)} sleeps, database ${perRequest(database)}, sum ${perRequest(process + database)}); ` +
        (logGc ? `GC per 1,000 requests: ${((gc[name]!.eden / result.completed) * 1000).toFixed(1)} eden, ${((gc[name]!.full / result.completed) * 1000).toFixed(1)} full; a request, ${((gc[name]!.pauseMs / result.completed) * 1000).toFixed(0)} µs paused, ${(gc[name]!.allocatedBytes / result.completed / 1024).toFixed(0)} KiB allocated; ` : "") +
        `${phase.stream ? "first byte " : ""}p50 ${percentile(samples(result), 50).toFixed(3)} ms (+${(percentile(samples(result), 50) - bareP50).toFixed(3)}); ${((result.completed / result.elapsedMs) * 1000).toFixed(0)} req/s; peak RSS ${((servers[name]!.memory()?.peak ?? NaN) / 2 ** 20).toFixed(0)} MiB; failed ${result.failed}${result.firstFailure ? ` (${result.firstFailure})` : ""}`,
    );
    if (byThread) console.log(`    threads, µs a request: ${[...threads[name]!].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([thread, ms]) => `${thread} ${perRequest(ms).trim()}`).join(", ")}`);
  }
}
for (const name of chosen) await servers[name]!.stop();
await upstream.stop();
rmSync(temporary, { recursive: true, force: true });
for (const scratch of scratchDatabases) await scratch?.drop();
