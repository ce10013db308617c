import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { type BenchChild, startChild } from "./child-process";
import { hitBodies } from "./hit-bodies";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";

/**
 * `bun run bench/hit-compare.ts [rounds]`: the benchmark's cache-hit phases alone, the proxy against
 * the bare pass-through in A-B-B-A rounds: the small question and the ~44 KB routing-eval request
 * at c=1 (p50 latency), the small one at c=32 (req/s). HIT_COMPARE_B_ENV (JSON of proxy settings)
 * adds a second proxy with those settings to every round, for a before/after in one run;
 * HIT_COMPARE_B_SCRIPT (the path of another checkout's bench/serve-proxy.ts) runs that one as it.
 */
const rounds = Number(process.argv[2] ?? 4);
const phases = {
  "small c=1": { body: hitBodies.small, requests: 400, concurrency: 1 },
  "44 KB c=1": { body: hitBodies.large, requests: 400, concurrency: 1 },
  "small c=32": { body: hitBodies.small, requests: 4000, concurrency: 32 },
};
const fetchLimitEnv = { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" };

const dataDirs: string[] = [];
const children: BenchChild[] = [];
try {
  await main();
} finally {
  await Promise.all(children.map((child) => child.stop(2_000)));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}

async function startProxy(name: string, upstream: BenchChild, env: Record<string, string>, script = "serve-proxy.ts"): Promise<BenchChild> {
  const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-hits-"));
  dataDirs.push(dataDir);
  await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir]).exited;
  return startChild(name, script, { BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...fetchLimitEnv, BENCH_PROXY_ENV: JSON.stringify(env) });
}

async function main() {
  const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
  children.push(upstream);
  const servers: Record<string, BenchChild> = {};
  servers.bare = await startChild("bare", "serve-bare.ts", { BENCH_UPSTREAM_ORIGIN: upstream.origin, ...fetchLimitEnv });
  servers.proxy = await startProxy("proxy", upstream, JSON.parse(process.env.BENCH_PROXY_ENV ?? "{}") as Record<string, string>);
  const other = process.env.HIT_COMPARE_B_SCRIPT;
  if (process.env.HIT_COMPARE_B_ENV || other) {
    const env = JSON.parse(process.env.HIT_COMPARE_B_ENV ?? "{}") as Record<string, string>;
    servers["proxy B"] = await startProxy("proxy B", upstream, env, other ? relative(import.meta.dir, other) : undefined);
  }
  children.push(...Object.values(servers));
  const sides = Object.keys(servers);
  const load = (side: string, phase: (typeof phases)[keyof typeof phases], requests: number) =>
    runLoad({ url: `${servers[side]!.origin}/v1/chat/completions`, body: phase.body, requests, concurrency: phase.concurrency, timeCapMs: 60_000 }, false);
  // Warm-up: connections, JIT, and the answers the hit phases replay.
  for (const side of sides) for (const phase of Object.values(phases)) await load(side, phase, 300);

  console.log(`load average before ${loadAverage()}; ${rounds} rounds, order rotating (A-B-B-A)`);
  for (const [name, phase] of Object.entries(phases)) {
    const runs: Record<string, LoadResult[]> = Object.fromEntries(sides.map((side) => [side, []]));
    const cpuMs: Record<string, number> = Object.fromEntries(sides.map((side) => [side, 0]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? sides : sides.toReversed();
      for (const side of order) {
        const before = servers[side]!.cpuMs();
        runs[side]!.push(await load(side, phase, Math.ceil(phase.requests / rounds)));
        cpuMs[side]! += servers[side]!.cpuMs() - before;
      }
    }
    const figures = sides.map((side) => {
      const merged = mergeResults(runs[side]!);
      const rps = (merged.completed / merged.elapsedMs) * 1000;
      const cpu = (cpuMs[side]! * 1000) / Math.max(1, merged.completed);
      return `${side} p50 ${percentile(merged.latencies, 50).toFixed(3)} ms, ${rps.toFixed(0)} req/s, CPU ${cpu.toFixed(0)} µs/request${merged.failed ? `, ${merged.failed} failed (${merged.firstFailure})` : ""}`;
    });
    console.log(`${name.padEnd(11)} ${figures.join("; ")}`);
  }
  console.log(`load average after ${loadAverage()}`);
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
