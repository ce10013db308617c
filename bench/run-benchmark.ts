import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchChild, startChild } from "./child-process";
import { type DoorComparison, compareDoors, reportDoors } from "./compare-doors";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";
import { type MemoryFigures, firstStartPeak, memoryChecks, memoryLines, watchMemory } from "./memory-report";
import { startEnvironment } from "./start-environment";
import { type ScratchDatabase, createScratchDatabase } from "./scratch-database";
import { runResponsesDoorScenario } from "./responses-door-scenario";
import { STREAM_CHUNKS, STREAM_INTERVAL_MS } from "./stream-shape";
import { type AgentSizeResult, runAgentSizes } from "./agent-size-scenario";
import { type IdleStreamsResult, measureIdleStreams } from "./idle-streams-scenario";
import { benchBudgetNote } from "./bench-budget";
import { benchBody } from "./bench-question";
import { hitBodies } from "./hit-bodies";
import { phaseMemory } from "./phase-memory";

/**
 * `bun run bench`: the proxy against a bare Bun fetch pass-through, both in front of the same mock
 * OpenAI upstream, side by side in one run; then each other front door against the OpenAI door on
 * the same proxy (compare-doors.ts). Every server is its own child process (so each RSS and
 * CPU figure is its own); this process is only the load generator. Each phase is split into
 * rounds run in A-B-B-A order so drift in the machine's load hits both servers alike. Prints the
 * figures and a PASS/FAIL line per target; exits 1 when a target fails.
 *
 * BENCH_DATABASE_URL=postgres://… (`bun run bench:postgres`) logs to a scratch database on that
 * PostgreSQL server instead of the embedded PGlite; BENCH_PROXY_BUN_FLAGS (e.g. "--smol") are
 * passed to the proxy's Bun process; BENCH_PROXY_ENV (JSON, e.g. '{"CACHE_ENABLED":"false"}') sets
 * the proxy's configuration. The proxy runs with a large daily budget by default (bench-budget.ts),
 * so the budget stage reserves every request; '{"BUDGET_DAILY_USD":""}' measures it without.
 */
const plan = {
  // Steady state, as a proxy that runs all day: the JIT keeps compiling the hot path for thousands of
  // requests (bench/PROFILE.md, "JIT warm-up"), so both servers get the same longer warm-up first.
  warmup: { nonStream: 3000, streams: 256 },
  phases: {
    c1: { requests: 300, concurrency: 1, stream: false },
    c32: { requests: 4000, concurrency: 32, stream: false },
    stream: { requests: 640, concurrency: 64, stream: true },
    // The same request again and again: after its first answer, every proxy request is a cache hit.
    hitC1: { requests: 300, concurrency: 1, stream: false, cached: true },
    hitC32: { requests: 2000, concurrency: 32, stream: false, cached: true },
    // The same with the largest blind routing-eval request (a 44 KB Claude Code turn with its tools).
    hitLargeC1: { requests: 300, concurrency: 1, stream: false, cached: "large" as const },
  },
  rounds: 4,
  phaseCapMs: 60_000,
  totalCapMs: 9 * 60_000,
};
type PhaseName = keyof typeof plan.phases;
type Side = "bare" | "proxy";
interface PhaseResult {
  load: LoadResult;
  /** Server CPU time per completed request, ms. */
  cpuPerRequestMs: number;
}

/**
 * Issue 15's figures: throughput at c=32 against the bare pass-through, added latency at c=1,
 * the proxy's CPU per small request at c=32, added streaming TTFB and chunk gaps at 64 streams
 * (a gap is the time between two reads of a stream; "no added gap" allows 0.5 ms of timer noise),
 * and what a 200 KB agent request adds end to end. Memory: memoryChecks (memory-report.ts).
 */
const targets = { throughputRatio: 0.4, addedP50C1Ms: 0.2, cpuPerSmallRequestMs: 0.1, addedTtfbP50Ms: 5, addedGapP50Ms: 0.5, added200KbMs: 2 };
const idleStreams = 1_000;
/** Bun allows 256 fetches at once per process unless told otherwise; `bun run start` sets this too (package.json). */
const fetchLimitEnv = { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" };

/**
 * Every pass-through request is a new question (a counter in the last message), so each is a
 * cache miss that runs every stage and is then stored; the hit phases repeat one request.
 */
const unique = (stream: boolean) => () => benchBody({ stream });
const bodies = {
  nonStream: unique(false),
  stream: unique(true),
  cached: hitBodies.small,
  large: hitBodies.large,
};

const children: BenchChild[] = [];
const watchdog = setTimeout(() => {
  console.error(`benchmark exceeded its ${plan.totalCapMs / 1000} s cap; stopping`);
  void Promise.all(children.map((child) => child.stop(2_000))).finally(() => process.exit(2));
}, plan.totalCapMs);

const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-bench-"));
// Run as root, the embedded PostgreSQL runs as `nobody`, which must be able to enter DATA_DIR.
chmodSync(dataDir, 0o755);
const databaseServerUrl = process.env.BENCH_DATABASE_URL;
const proxyBunFlags = (process.env.BENCH_PROXY_BUN_FLAGS ?? "").split(" ").filter(Boolean);
let scratchDatabase: ScratchDatabase | undefined;
try {
  await main();
} catch (error) {
  // Children also exit on their own when this process's pipes close; this is just quicker.
  await Promise.all(children.map((child) => child.stop(2_000)));
  throw error;
} finally {
  clearTimeout(watchdog);
  rmSync(dataDir, { recursive: true, force: true });
  await scratchDatabase?.drop();
}

/** Creates the database (and applies the migrations) in a process of their own; returns its peak with its children's. */
function initDataDir(databaseUrl: string | undefined) {
  // The proxy's own EMBEDDED_DATABASE (BENCH_PROXY_ENV) decides which embedded database both use.
  const embedded = (JSON.parse(process.env.BENCH_PROXY_ENV ?? "{}") as Record<string, string>).EMBEDDED_DATABASE;
  return firstStartPeak([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir, ...(databaseUrl ? [databaseUrl] : [])], embedded ? { EMBEDDED_DATABASE: embedded } : {});
}

async function main() {
  if (databaseServerUrl) scratchDatabase = await createScratchDatabase(databaseServerUrl);
  const firstStart = await initDataDir(scratchDatabase?.url);
  const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
  children.push(upstream);
  const bare = await startChild("bare pass-through", "serve-bare.ts", { BENCH_UPSTREAM_ORIGIN: upstream.origin, ...fetchLimitEnv });
  children.push(bare);
  // BENCH_PROFILE_DIR=<dir> writes a CPU profile of the proxy process there (read it with bench/summarize-profile.ts).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profileFlags = profileDir ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profileDir}`] : [];
  const proxyEnv = { BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...fetchLimitEnv, ...(scratchDatabase ? { BENCH_DATABASE_URL: scratchDatabase.url } : {}) };
  // As `bun run start` runs it: the variables its script sets (memory: start-environment.ts).
  const proxy = await startChild("proxy", "serve-proxy.ts", { ...startEnvironment(), ...proxyEnv }, [...proxyBunFlags, ...profileFlags]);
  children.push(proxy);
  const servers: Record<Side, BenchChild> = { bare, proxy };
  const memoryWatches = { bare: await watchMemory(bare.pid), proxy: await watchMemory(proxy.pid) };
  const proxyPhases = phaseMemory(proxy);
  proxyPhases.mark("start");

  console.log(`claude-proxy benchmark — Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average ${loadAverage()}`);
  console.log(`processes: load generator = this process (pid ${process.pid}); mock upstream pid ${upstream.pid}; bare pass-through pid ${bare.pid}; proxy pid ${proxy.pid}`);
  console.log("  each server runs in its own child process, so the client's CPU and heap are not charged to it (the 2 cores are still shared)");
  const flagNote = `${proxyBunFlags.length > 0 ? `, bun ${proxyBunFlags.join(" ")}` : ""}; ${benchBudgetNote()}`;
  if (scratchDatabase) {
    console.log(`proxy: buildProxy, OpenAI provider → mock, request log on (PostgreSQL server, scratch database ${scratchDatabase.name}, dropped afterwards), LOG_LEVEL=silent${flagNote}`);
    console.log("  the migrations are applied by a separate process first, so the proxy opens the database as on every start after the first");
  } else {
    console.log(`proxy: buildProxy, OpenAI provider → mock, request log on (the zero-setup embedded database in a temp DATA_DIR: EMBEDDED_DATABASE=${(JSON.parse(process.env.BENCH_PROXY_ENV ?? "{}") as Record<string, string>).EMBEDDED_DATABASE ?? "auto (native PostgreSQL where installed)"}), LOG_LEVEL=silent${flagNote}`);
    console.log("  the DATA_DIR is created (database + migrations) by a separate process first, so the proxy opens it as on every start after the first");
  }
  console.log(
    `upstream stream: ${STREAM_CHUNKS} chunks ${STREAM_INTERVAL_MS} ms apart; ${plan.phases.c1.requests} requests @c=1, ${plan.phases.c32.requests} @c=32, ${plan.phases.stream.requests} streams @c=64 (every request a new question: a cache miss), then one repeated question ${plan.phases.hitC1.requests}x @c=1 and ${plan.phases.hitC32.requests}x @c=32 and the largest routing-eval request ${plan.phases.hitLargeC1.requests}x @c=1 (cache hits), each in ${plan.rounds} rounds (A-B-B-A), after a warm-up of ${plan.warmup.nonStream} requests and ${plan.warmup.streams} streams per server; cap ${plan.phaseCapMs / 1000} s per phase\n`,
  );

  let peakSampledRss: Record<Side, number> = { bare: 0, proxy: 0 };
  const sampler = setInterval(() => {
    for (const side of ["bare", "proxy"] as const) peakSampledRss[side] = Math.max(peakSampledRss[side], servers[side].memory()?.rss ?? 0);
  }, 50);

  const load = (server: BenchChild, shape: { requests: number; concurrency: number; stream: boolean; cached?: boolean | "large" }, timeCapMs: number) =>
    runLoad({ url: `${server.origin}/v1/chat/completions`, body: shape.cached === "large" ? bodies.large : shape.cached ? bodies.cached : shape.stream ? bodies.stream : bodies.nonStream, ...shape, timeCapMs }, shape.stream);

  // Warm-up: connections, JIT, the SDK client, PGlite's first inserts.
  for (const server of [bare, proxy]) {
    const mark = (phase: string) => server === proxy && proxyPhases.mark(phase);
    await load(server, { requests: plan.warmup.nonStream, concurrency: 32, stream: false }, plan.phaseCapMs);
    mark("warm-up: non-stream @c=32");
    await load(server, { requests: plan.warmup.streams, concurrency: 64, stream: true }, plan.phaseCapMs);
    mark("warm-up: streams @c=64");
    // Stores the answer the hit phases replay (and warms the hit path).
    await load(server, { requests: 200, concurrency: 1, stream: false, cached: true }, plan.phaseCapMs);
    await load(server, { requests: 200, concurrency: 1, stream: false, cached: "large" }, plan.phaseCapMs);
    mark("warm-up: cache hits @c=1");
  }
  await Bun.sleep(300);
  peakSampledRss = { bare: 0, proxy: 0 };
  for (const watch of Object.values(memoryWatches)) watch.reset();

  const results = {} as Record<PhaseName, Record<Side, PhaseResult>>;
  for (const name of Object.keys(plan.phases) as PhaseName[]) {
    const phase = plan.phases[name];
    const round = { ...phase, requests: Math.ceil(phase.requests / plan.rounds) };
    const runs: Record<Side, LoadResult[]> = { bare: [], proxy: [] };
    const cpu: Record<Side, number> = { bare: 0, proxy: 0 };
    const phaseDeadline = performance.now() + plan.phaseCapMs;
    for (let index = 0; index < plan.rounds; index++) {
      const order: Side[] = index % 2 === 0 ? ["bare", "proxy"] : ["proxy", "bare"];
      for (const side of order) {
        const before = servers[side].cpuMs();
        runs[side].push(await load(servers[side], round, Math.max(0, phaseDeadline - performance.now()) / 2));
        cpu[side] += servers[side].cpuMs() - before;
      }
    }
    const summarize = (side: Side): PhaseResult => {
      const merged = mergeResults(runs[side]);
      return { load: merged, cpuPerRequestMs: cpu[side] / Math.max(1, merged.completed) };
    };
    results[name] = { bare: summarize("bare"), proxy: summarize("proxy") };
    proxyPhases.mark(name);
  }
  const doors = await compareDoors(proxy, plan.phaseCapMs);
  // Let the log writer flush under observation.
  await Bun.sleep(500);
  proxyPhases.mark("other doors (the peak is read here)");
  clearInterval(sampler);

  const memory = { bare: bare.memory(), proxy: proxy.memory() };
  const trees = { bare: memoryWatches.bare.figures(), proxy: memoryWatches.proxy.figures() };
  for (const watch of Object.values(memoryWatches)) watch.stop();
  // Door scenarios run after the memory reading, so the main table's figures are the chat door's alone.
  const responsesDoor = await runResponsesDoorScenario(proxy, plan.phaseCapMs);
  proxyPhases.mark("Responses door");
  const agentSizes = await runAgentSizes(servers, plan.phaseCapMs);
  proxyPhases.mark("agent-sized requests");
  const idle = { bare: await measureIdleStreams(bare, idleStreams), proxy: await measureIdleStreams(proxy, idleStreams, () => proxyPhases.mark(`${idleStreams} idle streams open`)) };
  proxyPhases.mark(`${idleStreams} idle streams closed`);
  const [, , proxyReport] = await Promise.all([upstream.stop(), bare.stop(), proxy.stop()]);
  report(results, {
    bare: { hwm: memory.bare?.peak ?? NaN, sampled: peakSampledRss.bare },
    proxy: { hwm: memory.proxy?.peak ?? NaN, sampled: peakSampledRss.proxy },
  }, proxyReport, firstStart, doors, trees);
  for (const line of responsesDoor.lines) console.log(line);
  console.log(`${responsesDoor.complete ? "PASS" : "FAIL"}  Responses door: every request succeeded within the time cap`);
  if (!responsesDoor.complete) process.exitCode = 1;
  if (!reportGrowth(agentSizes, idle)) process.exitCode = 1;
  console.log("");
  for (const line of proxyPhases.lines()) console.log(line);
}

function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}

function report(
  results: Record<PhaseName, Record<Side, PhaseResult>>,
  memory: Record<Side, { hwm: number; sampled: number }>,
  proxyReport: Record<string, unknown> | undefined,
  firstStart: { peak: number; processes: number },
  doors: DoorComparison[],
  trees: Record<Side, MemoryFigures>,
) {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");
  const rps = (result: LoadResult) => (result.completed / result.elapsedMs) * 1000;
  const mib = (bytes: number) => bytes / (1024 * 1024);
  const row = (label: string, bare: string, proxy: string, added = "") => console.log(`${label.padEnd(36)}${bare.padStart(12)}${proxy.padStart(12)}${added.padStart(16)}`);
  const side = (phase: PhaseName) => ({ bare: results[phase].bare.load, proxy: results[phase].proxy.load });
  const percentileRows = (label: string, pick: (result: LoadResult) => number[], phase: PhaseName) => {
    for (const p of [50, 99]) {
      const { bare, proxy } = side(phase);
      const [b, x] = [percentile(pick(bare), p), percentile(pick(proxy), p)];
      row(`  ${label} p${p}`, ms(b), ms(x), ms(x - b));
    }
  };
  const commonRows = (phase: PhaseName, unit: string) => {
    const { bare, proxy } = side(phase);
    row(`  ${unit}/s`, rps(bare).toFixed(0), rps(proxy).toFixed(0));
    row("  server CPU per request", ms(results[phase].bare.cpuPerRequestMs), ms(results[phase].proxy.cpuPerRequestMs), ms(results[phase].proxy.cpuPerRequestMs - results[phase].bare.cpuPerRequestMs));
    row("  completed / failed", `${bare.completed}/${bare.failed}`, `${proxy.completed}/${proxy.failed}`);
  };

  row("", "bare", "proxy", "proxy − bare");
  console.log("— non-stream, concurrency 1");
  percentileRows("latency", (result) => result.latencies, "c1");
  commonRows("c1", "requests");
  console.log("— non-stream, concurrency 32");
  percentileRows("latency", (result) => result.latencies, "c32");
  commonRows("c32", "requests");
  console.log(`— streaming, concurrency 64 (${STREAM_CHUNKS} chunks, ${STREAM_INTERVAL_MS} ms apart)`);
  percentileRows("time to first byte", (result) => result.ttfbs, "stream");
  percentileRows("time to last byte", (result) => result.latencies, "stream");
  percentileRows("gap between chunks", (result) => result.gaps, "stream");
  commonRows("stream", "streams");
  console.log("— cache hit (proxy) vs pass-through (bare), non-stream, concurrency 1");
  percentileRows("latency", (result) => result.latencies, "hitC1");
  commonRows("hitC1", "requests");
  console.log("— cache hit (proxy) vs pass-through (bare), non-stream, concurrency 32");
  percentileRows("latency", (result) => result.latencies, "hitC32");
  commonRows("hitC32", "requests");
  console.log(`— cache hit (proxy) vs pass-through (bare), the ${(bodies.large.length / 1024).toFixed(0)} KB request, non-stream, concurrency 1`);
  percentileRows("latency", (result) => result.latencies, "hitLargeC1");
  commonRows("hitLargeC1", "requests");
  for (const line of memoryLines(trees.bare, trees.proxy, firstStart, Boolean(databaseServerUrl))) console.log(line);
  row("  own max sampled VmRSS while measured", `${mib(memory.bare.sampled).toFixed(1)} MiB`, `${mib(memory.proxy.sampled).toFixed(1)} MiB`);
  console.log(`— request log: ${String(proxyReport?.logRows ?? "?")} rows written by the proxy (${String(proxyReport?.logRowsWithUsage ?? "?")} with usage)`);
  reportDoors(doors);
  console.log(`— load average after the run: ${loadAverage()}`);

  for (const [phase, pair] of Object.entries(results)) {
    for (const [name, { load }] of Object.entries(pair)) {
      if (load.failed > 0 || load.cappedByTime) {
        console.log(`! ${phase}/${name}: ${load.completed} ok, ${load.failed} failed${load.cappedByTime ? ", time cap hit" : ""}${load.firstFailure ? ` — first failure: ${load.firstFailure}` : ""}`);
      }
    }
  }

  const c32 = side("c32");
  const ratio = rps(c32.proxy) / rps(c32.bare);
  const addedP50 = percentile(side("c1").proxy.latencies, 50) - percentile(side("c1").bare.latencies, 50);
  const addedTtfb = percentile(side("stream").proxy.ttfbs, 50) - percentile(side("stream").bare.ttfbs, 50);
  const addedGap = percentile(side("stream").proxy.gaps, 50) - percentile(side("stream").bare.gaps, 50);
  const cpuPerRequest = results.c32.proxy.cpuPerRequestMs;
  const hitP50 = percentile(side("hitC1").proxy.latencies, 50);
  const bareP50 = percentile(side("hitC1").bare.latencies, 50);
  const largeHitP50 = percentile(side("hitLargeC1").proxy.latencies, 50);
  const largeBareP50 = percentile(side("hitLargeC1").bare.latencies, 50);
  const doorsComplete = doors.every((comparison) => [comparison.c1, comparison.stream].every((pair) => pair.door.failed === 0 && pair.openai.failed === 0));
  const complete = doorsComplete && Object.values(results).every((pair) => Object.values(pair).every(({ load }) => load.failed === 0 && !load.cappedByTime));
  const checks: Array<[string, boolean]> = [
    [`throughput at c=32: proxy/bare = ${(ratio * 100).toFixed(1)}% (target ≥ ${targets.throughputRatio * 100}%)`, ratio >= targets.throughputRatio],
    [`added latency p50 at c=1 = ${ms(addedP50)} (target ≤ ${targets.addedP50C1Ms} ms)`, addedP50 <= targets.addedP50C1Ms],
    [`proxy CPU per small request at c=32 = ${(cpuPerRequest * 1000).toFixed(0)} µs (target ≤ ${targets.cpuPerSmallRequestMs * 1000} µs)`, cpuPerRequest <= targets.cpuPerSmallRequestMs],
    [`added streaming TTFB p50 at c=64 = ${ms(addedTtfb)} (target ≤ ${targets.addedTtfbP50Ms} ms)`, addedTtfb <= targets.addedTtfbP50Ms],
    [`added gap between chunks p50 at c=64 = ${ms(addedGap)} (target: none, ≤ ${targets.addedGapP50Ms} ms of timer noise)`, addedGap <= targets.addedGapP50Ms],
    ...memoryChecks(trees.proxy, firstStart, Boolean(databaseServerUrl)),
    [`cache hit p50 at c=1 = ${ms(hitP50)}, bare pass-through ${ms(bareP50)} (target: faster)`, hitP50 < bareP50],
    [`cache hit p50 at c=1, the ${(bodies.large.length / 1024).toFixed(0)} KB request = ${ms(largeHitP50)}, bare pass-through ${ms(largeBareP50)} (target: faster)`, largeHitP50 < largeBareP50],
    ["every request succeeded within the time cap", complete],
  ];
  console.log("");
  for (const [label, pass] of checks) console.log(`${pass ? "PASS" : "FAIL"}  ${label}`);
  process.exitCode = checks.every(([, pass]) => pass) ? 0 : 1;
}

/** Added latency per agent request size and memory per open idle stream, with their PASS/FAIL lines; true when all pass. */
function reportGrowth(sizes: AgentSizeResult[], idle: Record<"bare" | "proxy", IdleStreamsResult>): boolean {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");
  const row = (label: string, bare: string, proxy: string, added = "") => console.log(`${label.padEnd(36)}${bare.padStart(12)}${proxy.padStart(12)}${added.padStart(16)}`);
  console.log("");
  row("Agent-sized requests, non-stream, c=1", "bare", "proxy", "proxy − bare");
  for (const size of sizes) {
    console.log(`— ${Math.round(size.bytes / 1000)} KB conversations (${size.clients.join(" and ")} shapes, with tools)`);
    row("  latency p50", ms(percentile(size.bare.latencies, 50)), ms(percentile(size.proxy.latencies, 50)), ms(size.addedP50Ms));
    row("  server CPU per request (added)", "", "", ms(size.addedCpuMs));
    row("  completed / failed", `${size.bare.completed}/${size.bare.failed}`, `${size.proxy.completed}/${size.proxy.failed}`);
  }
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  console.log(`— ${idleStreams} open idle streams (one chunk, then silence), each server in turn`);
  row("  streams open", `${idle.bare.opened}/${idle.bare.wanted}`, `${idle.proxy.opened}/${idle.proxy.wanted}`);
  row("  RSS before they open", mib(idle.bare.rssBeforeBytes), mib(idle.proxy.rssBeforeBytes));
  row("  RSS with them open", mib(idle.bare.rssOpenBytes), mib(idle.proxy.rssOpenBytes));
  row("  memory per open stream", `${(idle.bare.perStreamBytes / 1024).toFixed(1)} KiB`, `${(idle.proxy.perStreamBytes / 1024).toFixed(1)} KiB`, `${((idle.proxy.perStreamBytes - idle.bare.perStreamBytes) / 1024).toFixed(1)} KiB`);
  const at200 = sizes.find((size) => size.bytes === 200_000);
  const checks: Array<[string, boolean]> = [
    [`a 200 KB agent request adds ${ms(at200?.addedP50Ms ?? NaN)} end to end, p50 (target < ${targets.added200KbMs} ms)`, (at200?.addedP50Ms ?? Infinity) < targets.added200KbMs],
    [`agent-sized requests: every one succeeded`, sizes.every((size) => size.bare.failed === 0 && size.proxy.failed === 0 && !size.proxy.cappedByTime)],
    [`${idleStreams} idle streams held open at once by the proxy (${idle.proxy.opened} opened)`, idle.proxy.opened === idle.proxy.wanted],
  ];
  console.log("");
  for (const [label, pass] of checks) console.log(`${pass ? "PASS" : "FAIL"}  ${label}`);
  return checks.every(([, pass]) => pass);
}
