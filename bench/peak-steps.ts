import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startChild } from "./child-process";
import { runLoad } from "./load";
import { startEnvironment } from "./start-environment";
import { createScratchDatabase } from "./scratch-database";
import { benchBody } from "./bench-question";
import { hitBodies } from "./hit-bodies";

/**
 * The benchmark's warm-up with DATABASE_URL (a scratch database), step by step, to find what raises
 * the proxy's peak: after each step its RSS, VmHWM, anonymous and file-backed resident memory and
 * the highest RSS sampled every 5 ms during the step. PEAK_STEPS lists the steps (kind:count):
 * c32 and c1 (new questions), s64 (streams), hit (the small repeated question at c=1), hit32, large
 * (the 43 KB repeated request at c=1), sleep (ms). PEAK_SMAPS=<prefix> writes /proc/<pid>/smaps after
 * each step; HEAP_REPORT with BENCH_PROXY_BUN_FLAGS="--preload=<abs path>/bench/heap-monitor.ts"
 * adds the heap figures. The proxy runs with the start script's variables (start-environment.ts).
 * Usage: bun run bench/peak-steps.ts [postgres server URL]
 */
const serverUrl = process.argv[2] ?? "postgres://postgres@127.0.0.1:5432/test";
const scratch = await createScratchDatabase(serverUrl);
const dataDir = mkdtempSync(join(tmpdir(), "peak-steps-"));
const init = Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir, scratch.url]);
await init.exited;
const fetchLimitEnv = { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" };
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const heapReport = process.env.HEAP_REPORT;
const flags = (process.env.BENCH_PROXY_BUN_FLAGS ?? "").split(" ").filter(Boolean);
const proxy = await startChild("proxy", "serve-proxy.ts", { ...startEnvironment(), BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...fetchLimitEnv, BENCH_DATABASE_URL: scratch.url }, flags);

const kib = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
let maxSeen = 0;
let stepMax = 0;
const sampler = setInterval(() => {
  try {
    const rss = kib(readFileSync(`/proc/${proxy.pid}/status`, "utf8"), "VmRSS");
    maxSeen = Math.max(maxSeen, rss);
    stepMax = Math.max(stepMax, rss);
  } catch {
    // The proxy is gone; the next mark says so.
  }
}, 5);
let previousHwm = 0;
async function mark(label: string) {
  await Bun.sleep(50);
  const status = readFileSync(`/proc/${proxy.pid}/status`, "utf8");
  const rollup = readFileSync(`/proc/${proxy.pid}/smaps_rollup`, "utf8");
  const hwm = kib(status, "VmHWM");
  const m = (k: number) => (k / 1024).toFixed(1).padStart(7);
  console.log(`${label.padEnd(44)} rss${m(kib(status, "VmRSS"))} hwm${m(hwm)}${hwm > previousHwm ? "*" : " "} anon${m(kib(rollup, "Anonymous"))} file${m(kib(status, "RssFile"))} step max${m(stepMax)}`);
  stepMax = 0;
  previousHwm = Math.max(previousHwm, hwm);
  if (process.env.PEAK_SMAPS) await Bun.write(`${process.env.PEAK_SMAPS}.${label.replace(/[^a-z0-9]+/gi, "_")}`, readFileSync(`/proc/${proxy.pid}/smaps`, "utf8"));
  if (heapReport) {
    await Bun.write(`${heapReport}.label`, label);
    process.kill(proxy.pid, "SIGUSR2");
    await Bun.sleep(50);
  }
}
const url = `${proxy.origin}/v1/chat/completions`;
const load = (body: string | (() => string), requests: number, concurrency: number, stream = false) => runLoad({ url, body, requests, concurrency, timeCapMs: 60_000 }, stream);
await Bun.sleep(1000);
await mark("start");
const steps = (process.env.PEAK_STEPS ?? "c32:3000,s64:256,hit:200,large:1,large:199").split(",");
for (const step of steps) {
  const [kind, countText] = step.split(":");
  const count = Number(countText);
  if (kind === "c32") await load(() => benchBody({ stream: false }), count, 32);
  else if (kind === "c1") await load(() => benchBody({ stream: false }), count, 1);
  else if (kind === "s64") await load(() => benchBody({ stream: true }), count, 64, true);
  else if (kind === "hit") await load(hitBodies.small, count, 1);
  else if (kind === "hit32") await load(hitBodies.small, count, 32);
  else if (kind === "large") await load(hitBodies.large, count, 1);
  else if (kind === "sleep") await Bun.sleep(count);
  await mark(step);
}
clearInterval(sampler);
console.log(`max sampled RSS ${(maxSeen / 1024).toFixed(1)} MiB`);
await Promise.all([proxy.stop(), upstream.stop()]);
rmSync(dataDir, { recursive: true, force: true });
await scratch.drop();
