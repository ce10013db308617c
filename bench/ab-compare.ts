import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { mixedAgentBodies } from "./agent-requests";
import { type BenchChild, mainThreadCpuMs, processCpuMs, startChild } from "./child-process";
import { descendants } from "./process-watch";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";
import { createScratchDatabase } from "./scratch-database";
import { benchBody } from "./bench-question";
import { hitBodies } from "./hit-bodies";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/ab-compare.ts <baseline tree> [c1|c32|stream|agent:<bytes>|hit1|hitlarge|hit32[*times] ...]`: a change measured
 * against the code before it in one run: the benchmark's proxy from this tree ("after") and from
 * another checkout of the repository ("before", with its own node_modules or a link to these),
 * beside the bare pass-through, in alternating rounds so load changes on the machine hit all three
 * alike. Both proxies log to their own scratch database on BENCH_DATABASE_URL (PostgreSQL, so the
 * embedded database is not what is measured); without it, to the zero-setup embedded database (a
 * native PostgreSQL child where its binaries are installed, else PGlite). The hit phases repeat one
 * request (hit-bodies.ts), so after its first answer every proxy request is a cache hit. The
 * stream phase is the benchmark's: 64 streams at once, each 20 chunks 5 ms apart (stream-shape.ts).
 * Besides the process's CPU, each side's JavaScript thread is read on its own (/proc, the thread
 * whose id is the process's): the one thread that saturates first, and the only one the proxy's
 * own code runs on.
 */
const [baselineArgument, ...phaseArguments] = process.argv.slice(2);
if (!baselineArgument) throw new Error("usage: bun run bench/ab-compare.ts <baseline tree> [c1|c32|agent:<bytes> ...]");
const baseline = resolve(baselineArgument);
const phaseNames = phaseArguments.length > 0 ? phaseArguments : ["c1", "c32", "agent:200000"];

const smallBody = () => benchBody();
interface Phase {
  requests: number;
  concurrency: number;
  body: () => string;
  stream?: boolean;
}
/** `c32*3`: three times the phase's usual number of requests. */
function phaseOf(spec: string): Phase {
  const [name = "", times = "1"] = spec.split("*");
  const scale = (requests: number) => Math.round(requests * Number(times));
  if (name === "c1") return { requests: scale(600), concurrency: 1, body: smallBody };
  if (name === "c32") return { requests: scale(8_000), concurrency: 32, body: smallBody };
  if (name === "stream") return { requests: scale(1_280), concurrency: 64, body: () => benchBody({ stream: true }), stream: true };
  if (name.startsWith("agent:")) return { requests: scale(120), concurrency: 1, body: mixedAgentBodies(Number(name.slice(6))).body };
  // Cache hits (the benchmark's hit phases): one request again and again, the small one or the ~44 KB one.
  if (name === "hit1") return { requests: scale(600), concurrency: 1, body: () => hitBodies.small };
  if (name === "hitlarge") return { requests: scale(600), concurrency: 1, body: () => hitBodies.large };
  if (name === "hit32") return { requests: scale(8_000), concurrency: 32, body: () => hitBodies.small };
  throw new Error(`unknown phase ${name}`);
}

async function proxyFrom(name: string, tree: string): Promise<BenchChild> {
  const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-ab-"));
  const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
  await Bun.spawn([process.execPath, "run", join(tree, "bench", "init-data-dir.ts"), dataDir, ...(scratch ? [scratch.url] : [])]).exited;
  cleanups.push(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  });
  const script = relative(import.meta.dir, join(tree, "bench", "serve-proxy.ts"));
  // Each tree's proxy runs with the runtime variables of that tree's own `start` script.
  const { scripts } = JSON.parse(readFileSync(join(tree, "package.json"), "utf8")) as { scripts: { start: string } };
  return startChild(name, script, { ...startEnvironment(scripts.start), BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...(scratch ? { BENCH_DATABASE_URL: scratch.url } : {}) });
}

const cleanups: Array<() => Promise<void>> = [];
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const servers = {
  bare: await startChild("bare", "serve-bare.ts", { BENCH_UPSTREAM_ORIGIN: upstream.origin }),
  before: await proxyFrom("proxy before", baseline),
  after: await proxyFrom("proxy after", join(import.meta.dir, "..")),
};
type Side = keyof typeof servers;
const sides: Side[] = ["bare", "before", "after"];
const load = (side: Side, phase: Phase, requests: number) =>
  runLoad({ url: `${servers[side].origin}/v1/chat/completions`, body: phase.body, requests, concurrency: phase.concurrency, timeCapMs: 120_000 }, phase.stream === true);
// Warm-up: the JIT and the connection pools of every side.
for (const side of sides) await load(side, phaseOf("c32"), 1_000);

console.log(`A/B against ${baseline}; database ${process.env.BENCH_DATABASE_URL ? "PostgreSQL (BENCH_DATABASE_URL)" : "the zero-setup embedded one"}; load average ${loadAverage()}`);
for (const name of phaseNames) {
  const phase = phaseOf(name);
  const rounds = 6;
  const runs: Record<Side, LoadResult[]> = { bare: [], before: [], after: [] };
  const cpu: Record<Side, number> = { bare: 0, before: 0, after: 0 };
  const jsThread: Record<Side, number> = { bare: 0, before: 0, after: 0 };
  const databaseCpu: Record<Side, number> = { bare: 0, before: 0, after: 0 };
  for (const side of sides) await load(side, phase, Math.min(50, phase.requests / 10));
  for (let round = 0; round < rounds; round++) {
    // bare, before, after; then bare, after, before: each proxy runs right after the other proxy
    // as often as right after bare. A run leaves work behind (its log flush, the database's writes,
    // collections) that lands in the next run; rotating all three orders put "after" right behind
    // "before" in 4 of 6 rounds and "before" behind "after" in 2, and identical trees then
    // measured "after" slower (bench/PROFILE.md, stream-cost).
    for (const side of round % 2 === 0 ? sides : (["bare", "after", "before"] as Side[])) {
      const before = servers[side].cpuMs();
      const jsBefore = mainThreadCpuMs(servers[side].pid);
      const childrenBefore = childrenCpuMs(servers[side].pid);
      runs[side].push(await load(side, phase, Math.ceil(phase.requests / rounds)));
      cpu[side] += servers[side].cpuMs() - before;
      jsThread[side] += mainThreadCpuMs(servers[side].pid) - jsBefore;
      databaseCpu[side] += sumSince(childrenCpuMs(servers[side].pid), childrenBefore);
    }
  }
  const merged = Object.fromEntries(sides.map((side) => [side, mergeResults(runs[side])])) as Record<Side, LoadResult>;
  const rps = (result: LoadResult) => (result.completed / result.elapsedMs) * 1000;
  const p50 = (side: Side) => percentile(merged[side].latencies, 50);
  console.log(`${name} (${phase.concurrency} at once, ${phase.requests} requests per side; load average ${loadAverage()})`);
  for (const side of sides) {
    const result = merged[side];
    const added = side === "bare" ? "" : `, added p50 ${(p50(side) - p50("bare")).toFixed(3)} ms`;
    // A stream's first byte: what issue 15's streaming target is about.
    const ttfb = (of: Side) => percentile(merged[of].ttfbs, 50);
    const firstByte = phase.stream ? `; first byte p50 ${ttfb(side).toFixed(3)} ms${side === "bare" ? "" : ` (added ${(ttfb(side) - ttfb("bare")).toFixed(3)})`}` : "";
    console.log(
      `  ${side.padEnd(7)} p50 ${p50(side).toFixed(3)} ms${added}${firstByte}; ${rps(result).toFixed(0)} req/s (${((100 * rps(result)) / rps(merged.bare)).toFixed(1)}% of bare); ` +
        `CPU ${((cpu[side] / result.completed) * 1000).toFixed(0)} µs/request, JS thread ${((jsThread[side] / result.completed) * 1000).toFixed(0)}` +
        (side === "bare" ? "" : `, database (child processes) ${((databaseCpu[side] / result.completed) * 1000).toFixed(0)} µs/request`) +
        `; failed ${result.failed}`,
    );
  }
  // The spread between rounds of one side is the noise any difference has to beat.
  if (phase.stream) for (const side of sides) console.log(`  ${side.padEnd(7)} first byte p50 by round: ${runs[side].map((run) => percentile(run.ttfbs, 50).toFixed(1)).join(", ")} ms`);
}
for (const side of sides) await servers[side].stop();
await upstream.stop();
for (const cleanup of cleanups) await cleanup();

/** CPU ms of each process under `pid` (the embedded PostgreSQL's postmaster, backends, writers). */
function childrenCpuMs(pid: number): Map<number, number> {
  return new Map(descendants(pid).map(({ pid: child }) => [child, processCpuMs(child) || 0]));
}

/** CPU used since `before`; a process that started meanwhile counts from zero, one that exited is lost. */
function sumSince(after: Map<number, number>, before: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
