import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/db/client";
import { jsonRecordsWriter } from "../src/db/json-records";
import { executeFixed } from "../src/db/prepared-statement";
import { insertRequestLogs } from "../src/db/queries";
import { type RequestLogRow, requestLog } from "../src/db/schema";
import { createScratchDatabase } from "./scratch-database";

/**
 * `bun run bench/log-insert-costs.ts [rows per batch] [batches]`: what one request-log write costs
 * the proxy's process (CPU from process.cpuUsage) and how long it takes, written the way drizzle
 * sends it (unprepared: Parse + Describe, a round trip, then Bind + Execute) against the same
 * statement prepared once per connection (src/db/prepared-statement.ts), and the writer's own
 * statement (an array of rows, src/db/record-array-insert.ts), alternated in rounds.
 * The zero-setup native PostgreSQL (Unix socket) in a scratch data directory, or a scratch database
 * on BENCH_DATABASE_URL when set.
 */
const size = Number(process.argv[2] ?? 10);
const batches = Number(process.argv[3] ?? 400);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-log-insert-"));
const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
const handle = await openDatabase({ dataDir, databaseUrl: scratch?.url, embedded: "postgres" });
const toJson = jsonRecordsWriter(requestLog);
const row = (): RequestLogRow => ({
  taskId: crypto.randomUUID(),
  createdAt: new Date(),
  door: "openai",
  userAgent: "OpenAI/JS 5.0",
  requestedModel: "gpt-4o-mini",
  provider: "openai",
  model: "gpt-4o-mini",
  stream: false,
  status: 200,
  finishReason: "stop",
  tokensIn: 300,
  tokensOut: 40,
  costUsd: 0.0001,
  latencyMs: 3,
  promptBytes: 1000,
  messageCount: 3,
  tier: "simple",
  score: 0.2,
  category: "code",
  routeReason: "simple request",
  candidates: ["openai:gpt-4o-mini"],
  fallbacks: 0,
  sessionKey: "log-insert-costs",
  cacheStatus: "miss",
});
// The text src/db/queries.ts insertRequestLogs sends.
const statement = (rows: RequestLogRow[]) =>
  sql`insert into ${requestLog} select * from json_populate_recordset(null::${requestLog}, ${toJson(rows)}::json) on conflict (${sql.identifier(requestLog.taskId.name)}) do nothing`;
const ways: Record<string, (rows: RequestLogRow[]) => Promise<void>> = {
  unprepared: async (rows) => {
    await handle.db.execute(statement(rows));
  },
  prepared: async (rows) => {
    await executeFixed(handle.db, statement(rows));
  },
  // What the writer sends now: one array of request_log rows, prepared (src/db/record-array-insert.ts).
  rowArray: async (rows) => {
    await insertRequestLogs(handle.db, rows);
  },
};

console.log(`${handle.description}; ${batches} batches of ${size} rows per way and round`);
try {
  for (const round of [1, 2, 3]) {
    for (const [name, write] of Object.entries(ways)) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let index = 0; index < batches; index++) await write(Array.from({ length: size }, row));
      const used = process.cpuUsage(cpu);
      const wall = performance.now() - started;
      console.log(
        `round ${round} ${name.padEnd(10)} CPU ${((used.user + used.system) / batches).toFixed(0)} µs a batch, wall ${((wall * 1000) / batches).toFixed(0)} µs a batch`,
      );
    }
  }
} finally {
  await handle.close();
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
