import { heapStats } from "bun:jsc";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchProxyConfig } from "./bench-proxy-config";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";
import { benchProxyEnv } from "./bench-budget";
import { benchBody } from "./bench-question";
import { startChild } from "./child-process";

/**
 * `bun run bench/live-stream-heap.ts [streams]`: what the proxy keeps alive per stream while its
 * chunks flow (not idle streams: idle-stream-heap.ts). In-process through `app.fetch`, the
 * benchmark's streams against the mock upstream: opens `streams` at once, and once every one has had
 * LIVE_HEAP_READS reads (default 1, its first chunk; the mock sends 20 chunks and the end) runs a
 * full collection and counts the heap's live objects by type; again after every stream ended and
 * the log was written. The difference per stream is what an eden collection in the middle of the
 * streams promotes (and a full one later frees). Load-independent. LIVE_HEAP_SNAPSHOT=<prefix>
 * also writes both heap snapshots (V8 format) as <prefix>-0.heapsnapshot and <prefix>-1.heapsnapshot.
 */
const streams = Number(process.argv[2] ?? 64);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-live-heap-"));
await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir]).exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const proxy = await buildProxy(benchProxyConfig(`${upstream.origin}/v1`, dataDir, benchProxyEnv()), silentLogger);

let started = 0;
let openStreams = 0;
// LIVE_HEAP_READS=n: measure once every stream has had n reads (default 1: its first chunk).
const readsBeforeMeasure = Number(process.env.LIVE_HEAP_READS ?? 1);
let openAtMeasure = 0;
let allStarted: (() => void) | undefined;
const send = async () => {
  const text = benchBody({ stream: true });
  const response = await proxy.app.fetch(
    new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }, body: text }),
  );
  const reader = response.body!.getReader();
  let reads = 0;
  openStreams++;
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
    if (++reads === readsBeforeMeasure && ++started === streamsNow) allStarted?.();
  }
  openStreams--;
};
let streamsNow = 0;
const round = async (count: number, whileOpen?: () => void) => {
  started = 0;
  streamsNow = count;
  const opened = new Promise<void>((resolve) => (allStarted = resolve));
  const all = Promise.all(Array.from({ length: count }, () => send()));
  if (whileOpen) {
    await opened;
    openAtMeasure = openStreams;
    whileOpen();
  }
  await all;
};
let snapshots = 0;
const measure = () => {
  Bun.gc(true);
  Bun.gc(true);
  const stats = heapStats();
  if (process.env.LIVE_HEAP_SNAPSHOT) writeFileSync(`${process.env.LIVE_HEAP_SNAPSHOT}-${snapshots++}.heapsnapshot`, Bun.generateHeapSnapshot("v8"));
  return { heap: stats.heapSize, extra: stats.extraMemorySize, objects: stats.objectCount, counts: stats.objectTypeCounts as Record<string, number> };
};
for (let warm = 0; warm < 4; warm++) await round(64);
await proxy.logWriter.flush();
await Bun.sleep(500);
let open: ReturnType<typeof measure> | undefined;
await round(streams, () => (open = measure()));
await proxy.logWriter.flush();
await Bun.sleep(500);
const after = measure();
const o = open!;
const per = (n: number) => (n / streams).toFixed(1);
console.log(`${streams} streams (${openAtMeasure} open when measured, after ${readsBeforeMeasure} reads each) against after, per stream: heap ${(((o.heap - o.extra) - (after.heap - after.extra)) / streams / 1024).toFixed(2)} KiB, extra ${((o.extra - after.extra) / streams / 1024).toFixed(2)} KiB, objects ${per(o.objects - after.objects)}; load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
const rows = Object.entries(o.counts)
  .map(([type, count]) => [type, (count - (after.counts[type] ?? 0)) / streams] as const)
  .filter(([, d]) => Math.abs(d) >= 0.5)
  .sort((a, b) => b[1] - a[1]);
for (const [type, d] of rows) console.log(`  ${d.toFixed(1).padStart(7)}  ${type}`);
await proxy.close();
await upstream.stop();
rmSync(dataDir, { recursive: true, force: true });
