import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "./child-process";
import { measureIdleStreams } from "./idle-streams-scenario";
import { runLoad } from "./load";
import { benchBody } from "./bench-question";
import { createScratchDatabase } from "./scratch-database";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/idle-stream-heap.ts [streams]`: what one open idle stream costs the proxy (or,
 * with IDLE_HEAP_SERVER=bare, the bare pass-through; or another bench/serve-*.ts-like script named
 * there, given BENCH_UPSTREAM_ORIGIN), and of what. Opens `streams` idle streams as the benchmark
 * does (idle-streams-scenario.ts) after a short warm-up and one smaller round of them, and prints,
 * per stream: RSS, the JavaScript heap's cells after a full collection, the memory its objects hold
 * outside the heap, and the object types whose count grew most (bench/heap-monitor.ts, preloaded
 * into the server). BENCH_DATABASE_URL as in the benchmark. IDLE_HEAP_KEEP=<dir> with
 * HEAP_REPORT_SNAPSHOTS=1 keeps a heap snapshot before and while the streams are open.
 */
const streams = Number(process.argv[2] ?? 1_000);
const serverKind = process.env.IDLE_HEAP_SERVER ?? "proxy";
const work = process.env.IDLE_HEAP_KEEP ?? mkdtempSync(join(tmpdir(), "claude-proxy-idle-heap-"));
const report = join(work, "heap.jsonl");
const scratch = serverKind === "proxy" && process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
if (serverKind === "proxy") await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), work, ...(scratch ? [scratch.url] : [])]).exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const monitor = { HEAP_REPORT: report, HEAP_REPORT_GC: "1", BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" };
const preload = [`--preload=${join(import.meta.dir, "heap-monitor.ts")}`];
const server =
  serverKind !== "proxy"
    ? await startChild(serverKind, serverKind === "bare" ? "serve-bare.ts" : serverKind, { ...monitor, BENCH_UPSTREAM_ORIGIN: upstream.origin }, preload)
    : await startChild("proxy", "serve-proxy.ts", { ...startEnvironment(), ...monitor, BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: work, ...(scratch ? { BENCH_DATABASE_URL: scratch.url } : {}) }, preload);
const url = `${server.origin}/v1/chat/completions`;
await runLoad({ url, body: () => benchBody(), requests: 1_000, concurrency: 32, timeCapMs: 60_000 }, false);
await runLoad({ url, body: () => benchBody({ stream: true }), requests: 256, concurrency: 64, timeCapMs: 60_000 }, true);

interface HeapLine {
  rssKib: number;
  heapSize: number;
  extraMemorySize: number;
  objectCount: number;
  counts: Record<string, number>;
  protectedCounts: Record<string, number>;
}
const lines = () => readFileSync(report, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as HeapLine);
const snapshot = async () => {
  const before = (() => {
    try {
      return lines().length;
    } catch {
      return 0;
    }
  })();
  process.kill(server.pid, "SIGUSR2");
  for (let waited = 0; waited < 10_000; waited += 50) {
    await Bun.sleep(50);
    try {
      if (lines().length > before) return lines().at(-1)!;
    } catch {
      // Not written yet.
    }
  }
  throw new Error("the server wrote no heap report");
};

// Once before, so what the first idle stream request compiles or caches is not counted per stream.
await measureIdleStreams(server, Math.min(streams, 200));
await Bun.sleep(1_000);
const idle = await snapshot();
let heap: HeapLine | undefined;
const result = await measureIdleStreams(server, streams, async () => (heap = await snapshot()));
if (!heap) throw new Error("no heap report while the streams were open");

const per = (bytes: number) => `${(bytes / streams / 1024).toFixed(1)} KiB`;
console.log(`${serverKind}, ${result.opened}/${streams} idle streams open; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
console.log(`per stream: RSS ${per(result.rssOpenBytes - result.rssBeforeBytes)} (benchmark's figure; ${per((heap.rssKib - idle.rssKib) * 1024)} after a full collection), heap cells ${per(heap.heapSize - heap.extraMemorySize - (idle.heapSize - idle.extraMemorySize))}, held outside the heap ${per(heap.extraMemorySize - idle.extraMemorySize)}, objects ${((heap.objectCount - idle.objectCount) / streams).toFixed(1)}`);
const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.entries(after)
    .map(([type, count]) => [type, (count - (before[type] ?? 0)) / streams] as const)
    .filter(([, each]) => Math.abs(each) >= 0.5)
    .sort((a, b) => b[1] - a[1]);
console.log("object types per stream (live, after a full collection):");
for (const [type, each] of diff(heap.counts, idle.counts).slice(0, 40)) console.log(`  ${type.padEnd(40)}${each.toFixed(2).padStart(8)}`);
const protectedDiff = diff(heap.protectedCounts, idle.protectedCounts);
if (protectedDiff.length > 0) console.log(`protected per stream: ${protectedDiff.map(([type, each]) => `${type} ${each.toFixed(2)}`).join(", ")}`);

await Promise.all([server.stop(), upstream.stop()]);
await scratch?.drop();
// IDLE_HEAP_KEEP=<dir>: the reports (and snapshots, HEAP_REPORT_SNAPSHOTS=1) stay there.
if (!process.env.IDLE_HEAP_KEEP) rmSync(work, { recursive: true, force: true });
