import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { openDatabase } from "../src/db/client";
import { jsonRecordsWriter } from "../src/db/json-records";
import { insertRequestLogs } from "../src/db/queries";
import { type RequestLogRow, requestLog } from "../src/db/schema";
import { processCpuMs } from "./child-process";
import { descendants } from "./process-watch";

/**
 * `bun run bench/log-write-layers.ts [writes]`: what one request-log write costs, layer by layer, on
 * the zero-setup native PostgreSQL in a scratch directory: the proxy's CPU (process.cpuUsage), the
 * server's CPU (its processes' ticks in /proc, 10 ms resolution) and the wall time per write, for
 * the statement as the writer sends it (record-array-insert.ts), with the rollup trigger disabled, with ten rows, as
 * JSON rows (json_populate_recordset, the writer's statement before row arrays), and beside
 * a bare `select 1`, a one-column insert and a 1 ms timer (what one wake-up of the event loop costs).
 * Three alternated rounds; the first includes warm-up.
 */
const batches = Number(process.argv[2] ?? 600);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-log-layers-"));
const handle = await openDatabase({ dataDir, embedded: "postgres" });
const client = (handle.db as unknown as { $client: { unsafe(text: string, parameters?: unknown[], options?: { prepare: boolean }): Promise<unknown> } }).$client;
const toJson = jsonRecordsWriter(requestLog);
const row = (): RequestLogRow => ({
  taskId: crypto.randomUUID(), createdAt: new Date(), door: "openai", userAgent: "OpenAI/JS 5.0", requestedModel: "gpt-4o-mini",
  provider: "openai", model: "gpt-4o-mini", stream: false, status: 200, finishReason: "stop", tokensIn: 300, tokensOut: 40,
  costUsd: 0.0001, latencyMs: 3, promptBytes: 1000, messageCount: 3, tier: "simple", score: 0.2, category: "code",
  routeReason: "simple request", candidates: ["openai:gpt-4o-mini"], fallbacks: 0, sessionKey: "x", cacheStatus: "miss",
});
const statement = (rows: RequestLogRow[]) =>
  sql`insert into ${requestLog} select * from json_populate_recordset(null::${requestLog}, ${toJson(rows)}::json) on conflict (${sql.identifier(requestLog.taskId.name)}) do nothing`;
const text = new PgDialect().sqlToQuery(statement([row()])).sql;
/** CPU ms of the embedded server so far: every process this one started. */
const serverCpuMs = () => descendants(process.pid).reduce((sum, { pid }) => sum + (processCpuMs(pid) || 0), 0);
await client.unsafe("create temporary table tiny (id uuid primary key)");
let triggerOn = true;
const setTrigger = async (on: boolean) => {
  if (on === triggerOn) return;
  await client.unsafe(`alter table request_log ${on ? "enable" : "disable"} trigger request_log_rollup_insert`);
  triggerOn = on;
};
const ways: Record<string, () => Promise<unknown> | unknown> = {
  asWriter: async () => { await setTrigger(true); await insertRequestLogs(handle.db, [row()]); },
  noTrigger: async () => { await setTrigger(false); await insertRequestLogs(handle.db, [row()]); },
  ten: async () => { await setTrigger(true); await insertRequestLogs(handle.db, Array.from({ length: 10 }, row)); },
  jsonRows: async () => { await setTrigger(true); await client.unsafe(text, [toJson([row()])], { prepare: true }); },
  select1: () => client.unsafe("select 1", [], { prepare: true }),
  tinyInsert: () => client.unsafe("insert into tiny values ($1)", [crypto.randomUUID()], { prepare: true }),
  timer1ms: () => new Promise((resolve) => setTimeout(resolve, 1)),
};
try {
  for (const round of [1, 2, 3]) {
    for (const [name, write] of Object.entries(ways)) {
      const server = serverCpuMs();
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let index = 0; index < batches; index++) await write();
      const used = process.cpuUsage(cpu);
      const wall = performance.now() - started;
      const serverUs = ((serverCpuMs() - server) * 1000) / batches;
      console.log(`round ${round} ${name.padEnd(12)} server ${serverUs.toFixed(0).padStart(5)} µs, CPU ${((used.user + used.system) / batches).toFixed(0).padStart(4)} µs (user ${(used.user / batches).toFixed(0)}), wall ${((wall * 1000) / batches).toFixed(0)} µs`);
    }
  }
} finally {
  await handle.close();
  rmSync(dataDir, { recursive: true, force: true });
}
