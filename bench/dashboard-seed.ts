import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config";
import { type DatabaseHandle, type EmbeddedDatabase, openDatabase } from "../src/db/client";
import { numberOf, rowsOf } from "../src/db/rows-of";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";
import { percentile } from "./load";
import { rawOverviewQuery } from "./raw-overview-query";
import { type ScratchDatabase, createScratchDatabase } from "./scratch-database";
import { seedFeedback, seedRequestLog } from "./seed-request-log";

/**
 * `bun run bench:dashboard`: seeds a million request-log rows (in the database, with
 * generate_series) and prints how long the dashboard's overview takes to render over them, per
 * range, as the median of several runs through the real app (queries and JSX). Also times the same
 * figures aggregated straight from request_log, which is what the rollup tables replace.
 *
 *   bun run bench:dashboard                      embedded PGlite in a temporary data dir
 *   EMBEDDED_DATABASE=postgres bun run bench:dashboard  the embedded native PostgreSQL there instead
 *   DATABASE_URL=postgres://… bun run bench:dashboard   a scratch database on that server
 *   --rows=200000 --runs=31 --keep               fewer rows, more runs, keep the data
 *   DASHBOARD_BENCH_DATA_DIR=/path               reuse (or create and keep) a PGlite data dir
 */
const options = Object.fromEntries(
  process.argv.slice(2).map((argument) => {
    const [key, value] = argument.replace(/^--/, "").split("=");
    return [key!, value ?? "true"];
  }),
);
const rows = Number(options.rows ?? 1_000_000);
const runs = Number(options.runs ?? 15);
/** A proxy serves the dashboard for days: the first renders (PGlite's WASM and the JIT warming up) are shown apart. */
const WARM_UP_RUNS = 5;
const keep = options.keep === "true" || Boolean(process.env.DASHBOARD_BENCH_DATA_DIR);
// PGlite unless told otherwise: openDatabase's "auto" would pick the native server where its
// binaries are installed, and the figures would be that server's under PGlite's name.
const embedded = (process.env.EMBEDDED_DATABASE ?? "pglite") as EmbeddedDatabase;
if (!["pglite", "postgres", "auto"].includes(embedded)) throw new Error(`EMBEDDED_DATABASE: ${embedded} is not pglite, postgres or auto`);
const serverUrl = process.env.DATABASE_URL;
const BATCH = 100_000;
const DAYS = 30;

let scratch: ScratchDatabase | undefined;
let dataDir = process.env.DASHBOARD_BENCH_DATA_DIR;
let database: DatabaseHandle | undefined;
try {
  if (serverUrl) scratch = await createScratchDatabase(serverUrl);
  dataDir ??= mkdtempSync(join(tmpdir(), "claude-proxy-dashboard-"));
  database = await openDatabase({ databaseUrl: scratch?.url, dataDir, embedded });
  const target = scratch ? `PostgreSQL, scratch database ${scratch.name}` : database.description;
  console.log(`database: ${target}`);

  const existing = numberOf(rowsOf<{ count: unknown }>(await database.db.execute(sql`select count(*) as count from request_log`))[0]?.count);
  if (existing < rows) {
    const started = performance.now();
    const now = new Date();
    for (let first = 0; first < rows; first += BATCH) {
      await seedRequestLog(database.db, { first, count: Math.min(BATCH, rows - first), total: rows, days: DAYS, now });
      process.stdout.write(`\rseeded ${Math.min(rows, first + BATCH).toLocaleString("en-US")} rows`);
    }
    await seedFeedback(database.db);
    await database.db.execute(sql`analyze`);
    console.log(` in ${((performance.now() - started) / 1000).toFixed(1)} s (${DAYS} days, rollups kept by the triggers)`);
  } else {
    console.log(`reusing ${existing.toLocaleString("en-US")} rows`);
  }

  const config = loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent", OPENAI_API_KEY: "sk-bench-not-used" });
  const proxy = await buildProxy(config, silentLogger, { database });
  // CPU time spent per run, by this process and (on PostgreSQL) by the server's backends: on a busy
  // machine wall time mostly measures the wait for a core, CPU time the work itself.
  const backendPids = async () =>
    scratch ? rowsOf<{ pid: number }>(await database!.db.execute(sql`select pid from pg_stat_activity where datname = current_database()`)).map((row) => row.pid) : [];
  const cpuMs = async (pids: number[]) => {
    const own = process.cpuUsage();
    return (own.user + own.system) / 1000 + pids.reduce((total, pid) => total + backendCpuMs(pid), 0);
  };
  const time = async (label: string, action: () => Promise<unknown>) => {
    const coldStarted = performance.now();
    await action();
    const cold = performance.now() - coldStarted;
    for (let run = 1; run < WARM_UP_RUNS; run++) await action();
    const pids = await backendPids();
    const cpuBefore = await cpuMs(pids);
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await action();
      samples.push(performance.now() - started);
    }
    const cpuPerRun = ((await cpuMs(pids)) - cpuBefore) / runs;
    samples.sort((a, b) => a - b);
    const format = (value: number) => `${value.toFixed(1)} ms`.padStart(10);
    console.log(
      `${label.padEnd(44)} p50 ${format(percentile(samples, 50))}  p95 ${format(percentile(samples, 95))}  min ${format(samples[0]!)}  first ${format(cold)}  cpu ${format(cpuPerRun)}`,
    );
    return percentile(samples, 50);
  };
  const render = (path: string) => async () => {
    const response = await proxy.app.request(path);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    await response.text();
  };

  console.log(`\nrender times over ${rows.toLocaleString("en-US")} rows, ${runs} runs each after ${WARM_UP_RUNS} warm-up runs ("first" is the very first):`);
  const overview: number[] = [];
  for (const range of ["24h", "7d", "30d"]) overview.push(await time(`overview page, range ${range}`, render(`/dashboard?range=${range}`)));
  await time("GET /api/stats?range=30d", render("/api/stats?range=30d"));
  await time("requests page (first 50)", render("/dashboard/requests"));
  await time("requests page, provider=gemini status=failed", render("/dashboard/requests?provider=gemini&status=failed"));
  if (options.raw !== "false") {
    console.log("\nthe same aggregates straight from request_log (what the rollups replace):");
    // Seconds per run over a million rows: a few runs are enough.
    const rawRuns = Math.min(runs, 3);
    for (const range of ["24h", "7d", "30d"] as const) {
      const samples: number[] = [];
      for (let run = 0; run < rawRuns; run++) {
        const started = performance.now();
        await rawOverviewQuery(database.db, range);
        samples.push(performance.now() - started);
      }
      console.log(`${`raw aggregation, range ${range}`.padEnd(44)} p50 ${percentile(samples, 50).toFixed(1).padStart(7)} ms over ${rawRuns} runs`);
    }
  }
  const worst = Math.max(...overview);
  console.log(`load average while measuring: ${loadavg().map((value) => value.toFixed(1)).join(" ")} on ${cpus().length} cores`);
  console.log(`\noverview p50, slowest range: ${worst.toFixed(1)} ms (target < 200 ms): ${worst < 200 ? "PASS" : "FAIL"}`);
  if (worst >= 200) process.exitCode = 1;
  await proxy.close();
} finally {
  await database?.close();
  if (scratch && !keep) await scratch.drop();
  else if (scratch) console.log(`kept scratch database ${scratch.name}`);
  if (dataDir && !scratch && !keep) rmSync(dataDir, { recursive: true, force: true });
  else if (dataDir && !scratch) console.log(`kept PGlite data dir ${dataDir}`);
}

/** CPU time (user + system) a local process has used, from /proc; 0 when it cannot be read. */
function backendCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
