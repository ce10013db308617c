import { loadavg } from "node:os";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";
import { percentile } from "./load";

/**
 * `DASHBOARD_BENCH_DATA_DIR=/path bun run bench/routing-api-timing.ts [--runs=7]`: over a PGlite
 * data dir (or DATABASE_URL, a scratch database) seeded by `bun run bench:dashboard --keep`, times GET /api/routing (30 days), the
 * routing and providers pages, and how long /health waits when asked during /api/routing (on
 * PGlite one connection serves every query, so a slow query holds up the whole proxy).
 */
const runs = Number(process.argv.find((argument) => argument.startsWith("--runs="))?.split("=")[1] ?? 7);
const dataDir = process.env.DASHBOARD_BENCH_DATA_DIR;
// Or a kept scratch database on a server: DATABASE_URL=postgres://…/claude_proxy_bench_…
const databaseUrl = process.env.DATABASE_URL;
if (!dataDir && !databaseUrl) throw new Error("set DASHBOARD_BENCH_DATA_DIR (or DATABASE_URL) to a database seeded by bun run bench:dashboard --keep");

const database = await openDatabase({ databaseUrl, dataDir: dataDir ?? "unused", embedded: "pglite" });
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
  // PGlite runs a query on the JavaScript thread: /health's wait is counted from when it was due
  // (5 ms in), not from when the blocked event loop got round to sending it.
  const due = performance.now() + 5;
  const routing = get("/api/routing");
  await Bun.sleep(5);
  await get("/health");
  const health = performance.now() - due;
  console.log(`/health due 5 ms into /api/routing answered ${health.toFixed(1)} ms later (/api/routing took ${(await routing).toFixed(1)} ms)`);
  console.log(`load average: ${loadavg().map((value) => value.toFixed(1)).join(" ")}`);
} finally {
  await proxy.close();
  await database.close();
}
