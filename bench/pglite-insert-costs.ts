import { openDatabase } from "../src/db/client";
import { insertRequestLogs } from "../src/db/queries";
import { makeLogRow } from "../tests/helpers/request-log-rows";

/**
 * `bun run bench/pglite-insert-costs.ts [writes]`: how long one request-log write holds the event loop with
 * the embedded PGlite (its writes run on the proxy's own thread), by batch size: the median of
 * `writes` (8) writes of 1 to 500 rows into a fresh in-memory database. Behind the writer's PGlite
 * batch limit (defaultMaxBatch in src/db/request-log-writer.ts). Prints the load average: on a
 * shared machine every figure grows with it.
 */
const writes = Number(process.argv[2] ?? 8);
const database = await openDatabase({ dataDir: "memory://" });
console.log(`load average ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")} (${navigator.hardwareConcurrency} cores)`);
for (const rows of [1, 10, 25, 50, 100, 250, 500]) {
  const times: number[] = [];
  for (let write = 0; write < writes; write++) {
    const batch = Array.from({ length: rows }, () =>
      makeLogRow({ attempts: [{ provider: "openai", model: "gpt-4o-mini" }], candidates: ["openai:gpt-4o-mini"], routeReason: "x".repeat(100), sessionKey: "s".repeat(40) }),
    );
    const started = performance.now();
    await insertRequestLogs(database.db, batch);
    times.push(performance.now() - started);
  }
  const median = times.sort((a, b) => a - b)[Math.floor(writes / 2)]!;
  console.log(`${String(rows).padStart(4)} rows: ${median.toFixed(1).padStart(6)} ms a write, ${(median / rows).toFixed(3)} ms a row`);
}
await database.close();
