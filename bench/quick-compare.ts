import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "./child-process";
import { createScratchDatabase } from "./scratch-database";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";
import { benchBudgetNote } from "./bench-budget";
import { benchBody } from "./bench-question";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/quick-compare.ts [c1|c32|stream ...]`: a short side-by-side of the proxy and the
 * bare pass-through for the phases named (all three by default), in A-B-B-A rounds, for checking
 * one change quickly; `bun run bench` is the full benchmark. BENCH_DATABASE_URL and
 * BENCH_PROXY_ENV work as in run-benchmark.ts. QUICK_COMPARE_FLOOR=1 adds a third server, the least
 * a JSON-aware JavaScript proxy does (serve-restream.ts with RESTREAM_KIND=json: the request and the
 * answer parsed and written again, no stage): how much of the proxy's added cost any such layer pays.
 */
const phases = {
  c1: { requests: 400, concurrency: 1, stream: false },
  c32: { requests: 4000, concurrency: 32, stream: false },
  stream: { requests: 768, concurrency: 64, stream: true },
};
type Phase = keyof typeof phases;
const chosen = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(phases)) as Phase[];

const body = (stream: boolean) => () => benchBody({ stream });

const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-quick-"));
// A scratch database per run (scratch-database.ts): a shared one would keep the response cache's answers between runs.
const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
const databaseUrl = scratch?.url;
await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir, ...(databaseUrl ? [databaseUrl] : [])]).exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const bare = await startChild("bare", "serve-bare.ts", { BENCH_UPSTREAM_ORIGIN: upstream.origin });
const proxy = await startChild("proxy", "serve-proxy.ts", { BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...(databaseUrl ? { BENCH_DATABASE_URL: databaseUrl } : {}) });
// The floor runs with the start script's runtime variables (heap size, JIT tiers), as the proxy does.
const floor = process.env.QUICK_COMPARE_FLOOR === "1" ? await startChild("floor", "serve-restream.ts", { ...startEnvironment(), BENCH_UPSTREAM_ORIGIN: upstream.origin, RESTREAM_KIND: "json" }) : undefined;
const servers = { bare, proxy, floor: floor ?? proxy };
type Side = keyof typeof servers;
const sides: Side[] = floor ? ["bare", "floor", "proxy"] : ["bare", "proxy"];
const load = (side: Side, shape: (typeof phases)[Phase]) =>
  runLoad({ url: `${servers[side].origin}/v1/chat/completions`, body: body(shape.stream), ...shape, timeCapMs: 60_000 }, shape.stream);
for (const side of sides) {
  await load(side, { requests: 600, concurrency: 32, stream: false });
  await load(side, { requests: 128, concurrency: 64, stream: true });
}
console.log(`load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}; proxy: ${benchBudgetNote()}`);
for (const name of chosen) {
  const phase = phases[name];
  const round = { ...phase, requests: Math.ceil(phase.requests / 4) };
  const runs: Record<Side, LoadResult[]> = { bare: [], proxy: [], floor: [] };
  const cpu: Record<Side, number> = { bare: 0, proxy: 0, floor: 0 };
  for (let index = 0; index < 4; index++) {
    for (const side of index % 2 === 0 ? sides : sides.toReversed()) {
      const before = servers[side].cpuMs();
      runs[side].push(await load(side, round));
      cpu[side] += servers[side].cpuMs() - before;
    }
  }
  const [b, p] = [mergeResults(runs.bare), mergeResults(runs.proxy)];
  const rps = (result: LoadResult) => (result.completed / result.elapsedMs) * 1000;
  const samples = (result: LoadResult) => (phase.stream ? result.ttfbs : result.latencies);
  const [b50, p50] = [percentile(samples(b), 50), percentile(samples(p), 50)];
  console.log(
    `${name.padEnd(7)} ${phase.stream ? "TTFB" : "latency"} p50 bare ${b50.toFixed(2)} proxy ${p50.toFixed(2)} added ${(p50 - b50).toFixed(2)} ms; ` +
      `last byte p50 added ${(percentile(p.latencies, 50) - percentile(b.latencies, 50)).toFixed(2)} ms; ` +
      `req/s ${rps(b).toFixed(0)} / ${rps(p).toFixed(0)} = ${((100 * rps(p)) / rps(b)).toFixed(1)}%; ` +
      `CPU/request ${(cpu.bare / b.completed).toFixed(3)} / ${(cpu.proxy / p.completed).toFixed(3)} ms; failed ${b.failed}/${p.failed}`,
  );
  if (floor) {
    const f = mergeResults(runs.floor);
    console.log(
      `${"".padEnd(7)} floor (a JSON layer, no stage): ${phase.stream ? "TTFB" : "latency"} p50 ${percentile(samples(f), 50).toFixed(2)} added ${(percentile(samples(f), 50) - b50).toFixed(2)} ms; ` +
        `req/s ${((100 * rps(f)) / rps(b)).toFixed(1)}% of bare; CPU/request ${(cpu.floor / f.completed).toFixed(3)} ms; failed ${f.failed}`,
    );
  }
}
await Promise.all([upstream.stop(), bare.stop(), proxy.stop(), floor?.stop()]);
rmSync(dataDir, { recursive: true, force: true });
await scratch?.drop();
