import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchBody } from "./bench-question";
import { startChild } from "./child-process";
import { runLoad } from "./load";
import { treeNow } from "./memory-report";
import { createScratchDatabase } from "./scratch-database";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/start-memory.ts [requests]`: the proxy's memory in a minute instead of the whole
 * benchmark's five. Starts the benchmark's proxy (serve-proxy.ts) with `bun run start`'s variables
 * (BENCH_RAM_SIZE=default leaves out BUN_JSC_forceRAMSize, BENCH_RAM_SIZE=<bytes> sets another
 * size) and prints its own RSS and its tree's (children's PSS added) 1 s after start, the latency
 * of the first request and of the second, the proxy's CPU per request over `requests` small ones
 * at 32 connections, and its RSS and own peak (VmHWM) after them and 256 streams at 64.
 * BENCH_DATABASE_URL as in the benchmark.
 */
const requests = Number(process.argv[2] ?? 4_000);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-start-memory-"));
const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir, ...(scratch ? [scratch.url] : [])]).exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const environment: Record<string, string> = startEnvironment();
// BENCH_RAM_SIZE=default: no BUN_JSC_forceRAMSize, JavaScriptCore's own sizing; a number: that size.
const ramSize = process.env.BENCH_RAM_SIZE;
if (ramSize === "default") {
  delete environment.BUN_JSC_forceRAMSize;
  delete process.env.BUN_JSC_forceRAMSize;
} else if (ramSize) environment.BUN_JSC_forceRAMSize = ramSize;
const started = performance.now();
const proxy = await startChild("proxy", "serve-proxy.ts", {
  ...environment,
  BENCH_UPSTREAM_URL: `${upstream.origin}/v1`,
  BENCH_DATA_DIR: dataDir,
  ...(scratch ? { BENCH_DATABASE_URL: scratch.url } : {}),
});
const readyMs = performance.now() - started;
await Bun.sleep(1_000);
const idle = { own: proxy.memory()?.rss ?? NaN, tree: treeNow(proxy.pid) };

const url = `${proxy.origin}/v1/chat/completions`;
const timed = async () => {
  const before = performance.now();
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer bench" }, body: benchBody() });
  await response.text();
  if (!response.ok) throw new Error(`the proxy answered ${response.status}`);
  return performance.now() - before;
};
const first = await timed();
const second = await timed();
const afterFirst = proxy.memory()?.rss ?? NaN;
const cpuBefore = proxy.cpuMs();
await runLoad({ url, body: () => benchBody(), requests, concurrency: 32, timeCapMs: 60_000 }, false);
const cpuPerRequestUs = ((proxy.cpuMs() - cpuBefore) / requests) * 1000;
await runLoad({ url, body: () => benchBody({ stream: true }), requests: 256, concurrency: 64, timeCapMs: 60_000 }, true);
await Bun.sleep(500);
const loaded = { own: proxy.memory()?.rss ?? NaN, hwm: proxy.memory()?.peak ?? NaN, tree: treeNow(proxy.pid) };

console.log(`ready in ${readyMs.toFixed(0)} ms; forceRAMSize=${environment.BUN_JSC_forceRAMSize ?? "(default)"}; ${scratch ? "DATABASE_URL" : "embedded database"}; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
console.log(`idle 1 s after start: own RSS ${mib(idle.own)}, tree ${mib(idle.tree)}`);
console.log(`first request ${first.toFixed(1)} ms, second ${second.toFixed(1)} ms; own RSS after them ${mib(afterFirst)}`);
console.log(`after ${requests} requests @c=32 (proxy CPU ${cpuPerRequestUs.toFixed(0)} µs each) and 256 streams @c=64: own RSS ${mib(loaded.own)}, own peak (VmHWM) ${mib(loaded.hwm)}, tree ${mib(loaded.tree)}`);

await Promise.all([proxy.stop(), upstream.stop()]);
await scratch?.drop();
rmSync(dataDir, { recursive: true, force: true });
