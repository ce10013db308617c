import { loadavg } from "node:os";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";
import { percentile } from "./load";

/**
 * `DASHBOARD_BENCH_DATA_DIR=/path bun run bench/routing-api-timing.ts [--runs=7]`: over a PGlite
 * data dir seeded by `bun run bench:dashboard --keep`, times GET /api/routing (30 days), the
 * routing and providers pages, and how long /health waits when asked during /api/routing (on
 * PGlite one connection serves every query, so a slow query holds up the whole proxy).
 */
const runs = Number(process.argv.find((argument) => argument.startsWith("--runs="))?.split("=")[1] ?? 7);
const dataDir = process.env.DASHBOARD_BENCH_DATA_DIR;
if (!dataDir) throw new Error("set DASHBOARD_BENCH_DATA_DIR to a data dir seeded by bun run bench:dashboard --keep");

const database = await openDatabase({ dataDir, embedded: "pglite" });
const config = loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent", OPENAI_API_KEY: "sk-bench-not-used" });
const proxy = await buildProxy(config, silentLogger, { database });
try {
  const get = async (path: string) => {
    const started = performance.now();
    const response = await proxy.app.request(path);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    await response.text();
    return performance.now() - started;
  };
  for (const path of ["/api/routing", "/api/routing?days=7", "/dashboard/routing", "/dashboard/providers"]) {
    const first = await get(path);
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) samples.push(await get(path));
    samples.sort((a, b) => a - b);
    console.log(`${`GET ${path}`.padEnd(30)} p50 ${percentile(samples, 50).toFixed(1).padStart(8)} ms  max ${samples.at(-1)!.toFixed(1).padStart(8)} ms  first ${first.toFixed(1).padStart(8)} ms  (${runs} runs)`);
  }
  const routing = get("/api/routing");
  await Bun.sleep(5);
  const health = await get("/health");
  console.log(`/health asked 5 ms into /api/routing answered after ${health.toFixed(1)} ms (/api/routing took ${(await routing).toFixed(1)} ms)`);
  console.log(`load average: ${loadavg().map((value) => value.toFixed(1)).join(" ")}`);
} finally {
  await proxy.close();
  await database.close();
}
