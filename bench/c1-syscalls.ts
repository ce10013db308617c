import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "./child-process";
import { runLoad } from "./load";
import { benchBody } from "./bench-question";
import { startEnvironment } from "./start-environment";

/**
 * `bun run bench/c1-syscalls.ts [requests]`: system calls per request at one connection, each
 * server (SYSCALL_SIDES, default `bare,proxy`) and the mock upstream under `strace -c -f` for one
 * run of the load after a warm-up. strace slows every call: compare counts, not the latency.
 */
const requests = Number(process.argv[2] ?? 500);
const sides = (process.env.SYSCALL_SIDES ?? "bare,proxy").split(",");
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-sys-"));
await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir]).exited;
const children = {
  bare: () => startChild("bare", "serve-bare.ts", { BENCH_UPSTREAM_ORIGIN: upstream.origin }),
  proxy: () => startChild("proxy", "serve-proxy.ts", { ...startEnvironment(), BENCH_UPSTREAM_URL: `${upstream.origin}/v1`, BENCH_DATA_DIR: dataDir, ...(process.env.BENCH_DATABASE_URL ? { BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}) }),
};
for (const side of sides) {
  const server = await children[side as keyof typeof children]();
  const load = (n: number) => runLoad({ url: `${server.origin}/v1/chat/completions`, body: () => benchBody(), requests: n, concurrency: 1, timeCapMs: 120_000 }, false);
  await load(2000);
  const outFile = join(dataDir, `${side}.strace`);
  const upstreamOut = join(dataDir, `${side}-upstream.strace`);
  const tracer = Bun.spawn(["strace", "-c", "-f", "-o", outFile, "-p", String(server.pid)], { stderr: "ignore" });
  const upstreamTracer = Bun.spawn(["strace", "-c", "-f", "-o", upstreamOut, "-p", String(upstream.pid)], { stderr: "ignore" });
  await Bun.sleep(500);
  const result = await load(requests);
  tracer.kill("SIGINT");
  upstreamTracer.kill("SIGINT");
  await tracer.exited;
  await upstreamTracer.exited;
  const sorted = [...result.latencies].sort((a, b) => a - b);
  console.log(`${side}: ${requests} requests, p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} ms (under strace)`);
  for (const [label, file] of [[side, outFile], ["  mock upstream", upstreamOut]] as const) {
    const lines = readFileSync(file, "utf8").split("\n").filter((line) => /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+/.test(line) && !/\stotal$/.test(line));
    const rows = lines.map((line) => {
      const parts = line.trim().split(/\s+/);
      const errors = parts.length === 6 ? Number(parts[4]) : 0;
      return { name: parts.at(-1)!, calls: Number(parts[3]), errors };
    });
    const total = rows.reduce((sum, row) => sum + row.calls, 0);
    console.log(`  ${label}: ${(total / requests).toFixed(1)} syscalls a request: ${rows.filter((row) => row.calls / requests >= 0.05).map((row) => `${row.name} ${(row.calls / requests).toFixed(2)}${row.errors ? ` (${(row.errors / requests).toFixed(2)} err)` : ""}`).join(", ")}`);
  }
  await server.stop();
}
await upstream.stop();
rmSync(dataDir, { recursive: true, force: true });
