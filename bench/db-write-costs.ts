import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTableColumns, sql } from "drizzle-orm";
import { type DatabaseHandle, openDatabase } from "../src/db/client";
import { upsertCachedAnswers } from "../src/db/cache-queries";
import { insertRequestLogs } from "../src/db/queries";
import { rowsOf } from "../src/db/rows-of";
import { recordArrayLiteral } from "../src/db/record-array-insert";
import { type RequestLogRow, requestLog } from "../src/db/schema";
import { processCpuMs } from "./child-process";
import { createScratchDatabase } from "./scratch-database";

/**
 * `bun run bench/db-write-costs.ts [writes] [gap ms ...]`: the database server's CPU for one
 * request-log write and one response-cache write (a miss's answer), each of DB_WRITE_ROWS rows (1), back to back
 * (gap 0) and after an idle gap (the writer's 5 ms interval at one connection), with the table or
 * setting under test switched between alternated rounds: the rollup trigger off, `response_cache`
 * UNLOGGED, `synchronous_commit` on. The zero-setup native PostgreSQL in a scratch directory, or a
 * scratch database on BENCH_DATABASE_URL. Server CPU is read from /proc for the backends of the
 * bench's database ("backend") and apart for the WAL writer, background writer and checkpointer
 * ("aux", shared with any other user of a PostgreSQL server). Three rounds; the first includes warm-up.
 */
const writes = Number(process.argv[2] ?? 400);
/** DB_WRITE_ROWS: rows a write (1: what one connection's writes mostly carry). */
const rowsPerWrite = Number(process.env.DB_WRITE_ROWS ?? 1);
const gaps = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [0, 5];
const serverUrl = process.env.BENCH_DATABASE_URL;
const scratch = serverUrl ? await createScratchDatabase(serverUrl) : undefined;
const dataDir = scratch ? undefined : mkdtempSync(join(tmpdir(), "claude-proxy-db-write-"));
const handle: DatabaseHandle = await openDatabase(scratch ? { databaseUrl: scratch.url, dataDir: "unused" } : { dataDir: dataDir!, embedded: "postgres" });
const { db } = handle;

const logRow = (): RequestLogRow => ({
  taskId: Bun.randomUUIDv7(), createdAt: new Date(), door: "openai", userAgent: "OpenAI/JS 5.0", requestedModel: "auto",
  provider: "openai", model: "gpt-4o-mini", stream: false, status: 200, finishReason: "stop", tokensIn: 300, tokensOut: 40,
  costUsd: 0.0001, latencyMs: 3, promptBytes: 1000, messageCount: 3, tier: "simple", score: 0.2, category: "code",
  routeReason: "simple request", candidates: ["openai:gpt-4o-mini"], fallbacks: 0, sessionKey: "x", cacheStatus: "miss",
});
const answer = "x".repeat(900);
const cacheRow = () => {
  const key = Bun.randomUUIDv7().replaceAll("-", "") + Bun.randomUUIDv7().replaceAll("-", "");
  return { key, digest: key.slice(0, 16), provider: "openai", model: "gpt-4o-mini", costUsd: 0.0001, bytes: answer.length, body: answer, ttlSeconds: 3600 };
};

async function serverPids(): Promise<{ backend: number[]; aux: number[] }> {
  const rows = rowsOf<{ pid: number; kind: string }>(
    await db.execute(sql`select pid, case when datname = current_database() then 'backend' else 'aux' end as kind from pg_stat_activity
      where datname = current_database() or backend_type in ('walwriter', 'background writer', 'checkpointer')`),
  );
  return { backend: rows.filter((row) => row.kind === "backend").map((row) => row.pid), aux: rows.filter((row) => row.kind === "aux").map((row) => row.pid) };
}
const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (processCpuMs(pid) || 0), 0);

let trigger = true;
let unlogged = false;
const setTrigger = async (on: boolean) => {
  if (on !== trigger) await db.execute(sql.raw(`alter table request_log ${on ? "enable" : "disable"} trigger request_log_rollup_insert`));
  trigger = on;
};
const setUnlogged = async (on: boolean) => {
  if (on !== unlogged) await db.execute(sql.raw(`alter table response_cache set ${on ? "unlogged" : "logged"}`));
  unlogged = on;
};
const withSyncCommit = () => db.transaction(async (transaction) => {
  await transaction.execute(sql`set local synchronous_commit = on`);
  await insertRequestLogs(transaction, Array.from({ length: rowsPerWrite }, logRow));
});
/**
 * The rollups in the insert's own statement instead of the trigger (an experiment): data-modifying
 * CTEs run the trigger's three upserts (request_rollup_statements) over the inserted rows.
 */
const client = (db as unknown as { $client: { unsafe(text: string, parameters: unknown[], options: { prepare: boolean }): Promise<unknown> } }).$client;
const fieldsByName = new Map(Object.entries(getTableColumns(requestLog)).map(([key, column]) => [column.name, { key, column }]));
const fieldOrder = rowsOf<{ name: string }>(await db.execute(sql`select attname as name from pg_attribute where attrelid = 'request_log'::regclass and attnum > 0 and not attisdropped order by attnum`)).map(({ name }) => fieldsByName.get(name));
const [rollups] = rowsOf<{ statements: string[] }>(await db.execute(sql`select request_rollup_statements('inserted') as statements`));
const [overall, hourly, daily] = rollups!.statements.map((text) => text.replaceAll("$1", "1"));
const cteText = `with inserted as (insert into request_log select (r).* from unnest($1::request_log[]) as r on conflict (task_id) do nothing returning *),
  overall as (${overall}), hourly as (${hourly}) ${daily}`;
const insertWithRollups = () => client.unsafe(cteText, [recordArrayLiteral(fieldOrder, Array.from({ length: rowsPerWrite }, logRow))], { prepare: true });
const ways: Record<string, { setup: () => Promise<void>; write: () => Promise<unknown> }> = {
  log: { setup: () => setTrigger(true), write: () => insertRequestLogs(db, Array.from({ length: rowsPerWrite }, logRow)) },
  "log,no-trigger": { setup: () => setTrigger(false), write: () => insertRequestLogs(db, Array.from({ length: rowsPerWrite }, logRow)) },
  "log,rollups-in-statement": { setup: () => setTrigger(false), write: insertWithRollups },
  "log,sync-commit": { setup: () => setTrigger(true), write: withSyncCommit },
  cache: { setup: () => setUnlogged(false), write: () => upsertCachedAnswers(db, Array.from({ length: rowsPerWrite }, cacheRow)) },
  "cache,unlogged": { setup: () => setUnlogged(true), write: () => upsertCachedAnswers(db, Array.from({ length: rowsPerWrite }, cacheRow)) },
};
/** DB_WRITE_WAYS='log;cache,unlogged' picks ways by name. */
const picked = process.env.DB_WRITE_WAYS ? process.env.DB_WRITE_WAYS.split(";").filter((name) => name in ways) : Object.keys(ways);

try {
  console.log(`${scratch ? "PostgreSQL server (BENCH_DATABASE_URL)" : handle.description}; load ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
  for (let round = 1; round <= 3; round++) {
    const order = round % 2 === 0 ? [...picked].reverse() : picked;
    for (const gap of gaps) {
      for (const name of order) {
        const way = ways[name]!;
        await way.setup();
        for (let index = 0; index < 20; index++) await way.write();
        const pids = await serverPids();
        const before = { backend: cpuOf(pids.backend), aux: cpuOf(pids.aux) };
        const started = performance.now();
        for (let index = 0; index < writes; index++) {
          await way.write();
          if (gap > 0) await Bun.sleep(gap);
        }
        const wall = performance.now() - started - gap * writes;
        const backend = ((cpuOf(pids.backend) - before.backend) * 1000) / writes;
        const aux = ((cpuOf(pids.aux) - before.aux) * 1000) / writes;
        console.log(`round ${round} gap ${String(gap).padStart(2)} ms ${name.padEnd(16)} backend ${backend.toFixed(0).padStart(4)} µs, aux ${aux.toFixed(0).padStart(3)} µs, wall ${((wall * 1000) / writes).toFixed(0).padStart(5)} µs a write of ${rowsPerWrite}`);
      }
    }
  }
  console.log(`load ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
} finally {
  await handle.close();
  await scratch?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
