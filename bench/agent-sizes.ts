import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAgentSizes } from "./agent-size-scenario";
import { type BenchChild, startChild } from "./child-process";
import { percentile } from "./load";
import { firstStartPeak } from "./memory-report";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/agent-sizes.ts`: the benchmark's agent-size phase alone (agent-size-scenario.ts:
 * 10, 100, 200 and 500 KB agent requests, one at a time, proxy against the bare pass-through in
 * A-B-B-A rounds), with the same processes as `bun run bench` (mock upstream, bare pass-through,
 * the proxy as `bun run start` runs it on the embedded database), in a minute or two instead of
 * the whole benchmark's run. Added latency p50 and proxy CPU per request, per size.
 */
const fetchLimitEnv = { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" };
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-agent-sizes-"));
// Run as root, the embedded PostgreSQL runs as `nobody`, which must be able to enter DATA_DIR.
chmodSync(dataDir, 0o755);
const children: BenchChild[] = [];
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
try {
  await firstStartPeak([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir], {});
  const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
  children.push(upstream);
  const bare = await startChild("bare pass-through", "serve-bare.ts", { BENCH_UPSTREAM_ORIGIN: upstream.origin, ...fetchLimitEnv });
  children.push(bare);
  const proxy = await startChild("proxy", "serve-proxy.ts", { ...startEnvironment(), BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...fetchLimitEnv });
  children.push(proxy);
  console.log(`agent sizes — Bun ${Bun.version}, load average ${loadAverage()}`);
  for (const size of await runAgentSizes({ bare, proxy }, 60_000)) {
    console.log(
      `  ${`${size.bytes / 1000} KB`.padEnd(8)} added p50 ${size.addedP50Ms.toFixed(2).padStart(6)} ms   proxy p50 ${percentile(size.proxy.latencies, 50).toFixed(2)} ms, bare p50 ${percentile(size.bare.latencies, 50).toFixed(2)} ms   added CPU ${size.addedCpuMs.toFixed(2)} ms   (${size.clients.join(", ")})`,
    );
  }
  console.log(`load average at the end ${loadAverage()}`);
} finally {
  await Promise.all(children.map((child) => child.stop(2_000)));
  rmSync(dataDir, { recursive: true, force: true });
}
