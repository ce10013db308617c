import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mixedAgentBodies } from "./agent-requests";
import { startChild } from "./child-process";
import { createScratchDatabase } from "./scratch-database";
import { runLoad } from "./load";
import { benchBody } from "./bench-question";

/**
 * `bun run bench/profile-proxy.ts <profile dir> [nonstream|c1|stream]`: the benchmark's proxy under
 * one load shape only (non-stream at 32 connections or at 1, or 64 streams), with `bun --cpu-prof`, so the
 * profile holds that shape and little else. Read the result with bench/summarize-profile.ts.
 * BENCH_DATABASE_URL logs to a scratch database on that PostgreSQL server instead of the embedded PGlite.
 */
const [profileDir, shape = "nonstream"] = process.argv.slice(2);
if (!profileDir) throw new Error("usage: bun run bench/profile-proxy.ts <profile dir> [nonstream|c1|stream|agent:<bytes>]");
const stream = shape === "stream";
// c1: the small non-stream request one at a time (what a request costs when nothing amortises it).
const single = shape === "c1";
// agent:200000 — agent-sized requests of about that many bytes, one at a time (agent-requests.ts).
const agentBytes = shape.startsWith("agent:") ? Number(shape.slice(6)) : undefined;
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-profile-"));
// A scratch database per run (scratch-database.ts): a shared one would keep the response cache's answers between runs.
const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
const init = Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir, ...(scratch ? [scratch.url] : [])]);
await init.exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const proxy = await startChild(
  "proxy",
  "serve-proxy.ts",
  { BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...(scratch ? { BENCH_DATABASE_URL: scratch.url } : {}) },
  ["--cpu-prof", `--cpu-prof-dir=${profileDir}`],
);
const smallBody = () => benchBody({ stream });
const body = agentBytes ? mixedAgentBodies(agentBytes).body : smallBody;
const url = `${proxy.origin}/v1/chat/completions`;
const before = proxy.cpuMs();
const result = await runLoad({ url, body, requests: agentBytes ? 400 : stream ? 1280 : single ? 3000 : 8000, concurrency: agentBytes || single ? 1 : stream ? 64 : 32, timeCapMs: 60_000 }, stream);
const cpu = proxy.cpuMs() - before;
console.log(`${shape}: ${result.completed} ok, ${result.failed} failed, ${((result.completed / result.elapsedMs) * 1000).toFixed(0)}/s, proxy CPU ${(cpu / result.completed).toFixed(3)} ms per request${result.firstFailure ? `, first failure ${result.firstFailure}` : ""}`);
await Promise.all([proxy.stop(), upstream.stop()]);
rmSync(dataDir, { recursive: true, force: true });
await scratch?.drop();
