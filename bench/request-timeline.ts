import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchProxyConfig } from "./bench-proxy-config";
import { silentLogger } from "../src/logger";
import { defaultStages } from "../src/pipeline/run-pipeline";
import { buildProxy } from "../src/server";
import { agentRequestBodies } from "./agent-requests";
import { startChild } from "./child-process";
import { createScratchDatabase } from "./scratch-database";
import { benchBody } from "./bench-question";

/**
 * `bun run bench/request-timeline.ts [bytes|small] [requests]`: where one request's wall time goes inside
 * the proxy, one request at a time, through the real app (`app.fetch`, no socket in front) to the
 * benchmark's mock upstream: the door (body read, checks, validation) before the first stage, each
 * stage, the upstream's own wait inside dispatch, and the answer's encoding after the last. Claude
 * Code requests of about `bytes` (agent-requests.ts); the request log on BENCH_DATABASE_URL when set.
 * Median µs over the requests, after a warm-up.
 */
// "small": the benchmark's ~1 KB question instead of an agent request.
const small = process.argv[2] === "small";
const bytes = small ? 1_000 : Number(process.argv[2] ?? 200_000);
const requests = Number(process.argv[3] ?? 300);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-timeline-"));
const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const proxy = await buildProxy(
  benchProxyConfig(`${upstream.origin}/v1`, dataDir, scratch ? { DATABASE_URL: scratch.url } : {}),
  silentLogger,
  // As the server runs it (src/main.ts): a completion's row and finish hooks at the next turn of the loop.
  { finishAfterAnswer: true },
);

const spans = new Map<string, number[]>();
// Pushed, not copied: a copy per sample made the recording quadratic, its garbage landing in the measured spans.
const add = (name: string, ms: number) => {
  const values = spans.get(name);
  if (values) values.push(ms);
  else spans.set(name, [ms]);
};
let marks: { door?: number; lastStageEnd?: number; upstream?: number } = {};
for (const [index, stage] of defaultStages.entries()) {
  const name = stage.name || `stage ${index}`;
  defaultStages[index] = async (context, deps) => {
    const started = performance.now();
    marks.door ??= started;
    const waitBefore = context.upstreamWaitMs;
    const result = await stage(context, deps);
    const ended = performance.now();
    marks.lastStageEnd = ended;
    const wait = context.upstreamWaitMs - waitBefore;
    add(name, ended - started - wait);
    if (wait > 0) marks.upstream = wait;
    return result;
  };
}

const body = small
  ? () => benchBody()
  : agentRequestBodies("claude-code", bytes);
const send = async () => {
  marks = {};
  const text = body();
  const started = performance.now();
  const response = await proxy.app.fetch(
    new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }, body: text }),
  );
  const answered = performance.now();
  await response.text();
  const read = performance.now();
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  return { started, answered, read };
};
for (let index = 0; index < (small ? 3_000 : 30); index++) await send();
spans.clear();
// The process's CPU over the measured requests: unlike the wall-clock spans, it does not grow when
// other processes hold the cores (the mock upstream runs in a process of its own).
const cpuBefore = process.cpuUsage();
// Page faults do not grow with the machine's load: each is a page of memory the request touched fresh.
const faultsBefore = process.resourceUsage().minorPageFault;
for (let index = 0; index < requests; index++) {
  const { started, answered, read } = await send();
  add("door (before the first stage)", marks.door! - started);
  add("after the last stage (encoding)", answered - marks.lastStageEnd!);
  add("upstream wait (not the proxy's)", marks.upstream ?? 0);
  add("reading the answer", read - answered);
  add("total minus upstream wait", read - started - (marks.upstream ?? 0));
}
const cpu = process.cpuUsage(cpuBefore);
const faults = process.resourceUsage().minorPageFault - faultsBefore;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`request timeline — ~${bytes.toLocaleString("en")} bytes, ${requests} requests one at a time, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
for (const [name, values] of spans) console.log(`  ${name.padEnd(34)}${(median(values) * 1000).toFixed(0).padStart(7)} µs median`);
console.log(`  ${"CPU of the process per request".padEnd(34)}${((cpu.user + cpu.system) / requests).toFixed(0).padStart(7)} µs (all its threads: JavaScript, JIT, GC, HTTP client)`);
console.log(`  ${"page faults per request".padEnd(34)}${(faults / requests).toFixed(1).padStart(7)} (minor: pages the process touched fresh)`);
await proxy.close();
await upstream.stop();
rmSync(dataDir, { recursive: true, force: true });
await scratch?.drop();
