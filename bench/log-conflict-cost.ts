import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/db/client";
import { insertRequestLogs } from "../src/db/queries";
import { recordArrayInsert } from "../src/db/record-array-insert";
import { type RequestLogRow, requestLog } from "../src/db/schema";
import { processCpuMs } from "./child-process";
import { descendants } from "./process-watch";

/**
 * `bun run bench/log-conflict-cost.ts [rows per batch] [batches]`: the embedded server's CPU (its
 * processes' ticks in /proc) per request-log batch, as the writer sends it (a plain insert,
 * src/db/queries.ts) against the same statement with `on conflict (task_id) do nothing` (what it
 * sent before: a speculative insertion per row). Four rounds, the order reversed every other
 * round; the first is warm-up.
 */
const size = Number(process.argv[2] ?? 20);
const batches = Number(process.argv[3] ?? 2_000);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-log-conflict-"));
const handle = await openDatabase({ dataDir, embedded: "postgres" });
const onConflict = recordArrayInsert(requestLog, sql`on conflict (${sql.identifier(requestLog.taskId.name)}) do nothing`);
const row = (): RequestLogRow => ({
  taskId: crypto.randomUUID(), createdAt: new Date(), door: "openai", userAgent: "OpenAI/JS 5.0", requestedModel: "gpt-4o-mini",
  provider: "openai", model: "gpt-4o-mini", stream: false, status: 200, finishReason: "stop", tokensIn: 300, tokensOut: 40,
  costUsd: 0.0001, latencyMs: 3, promptBytes: 1000, messageCount: 3, tier: "simple", score: 0.2, category: "code",
  routeReason: "simple request", candidates: ["openai:gpt-4o-mini"], fallbacks: 0, sessionKey: "log-conflict-cost", cacheStatus: "miss",
});
const serverCpuMs = () => descendants(process.pid).reduce((sum, { pid }) => sum + (processCpuMs(pid) || 0), 0);
const ways: Array<[string, (rows: RequestLogRow[]) => Promise<unknown>]> = [
  ["plain", (rows) => insertRequestLogs(handle.db, rows)],
  ["onConflict", (rows) => onConflict(handle.db, rows)],
];
try {
  for (const round of [0, 1, 2, 3]) {
    for (const [name, write] of round % 2 === 0 ? ways : [...ways].reverse()) {
      const before = serverCpuMs();
      for (let index = 0; index < batches; index++) await write(Array.from({ length: size }, row));
      const perRow = ((serverCpuMs() - before) * 1000) / (batches * size);
      if (round > 0) console.log(`round ${round} ${name.padEnd(10)} server ${perRow.toFixed(1)} µs a row (batches of ${size})`);
    }
  }
  console.log(`load average ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
} finally {
  await handle.close();
  rmSync(dataDir, { recursive: true, force: true });
}
