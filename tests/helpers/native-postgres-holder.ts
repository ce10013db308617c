import { upsertCachedAnswers } from "../../src/db/cache-queries";
import { openDatabase } from "../../src/db/client";
import { insertRequestLogs } from "../../src/db/queries";
import { makeLogRow } from "./request-log-rows";

/**
 * A process that opens the embedded native PostgreSQL in the given DATA_DIR, writes the given
 * number of request-log rows and one cached answer (committed), prints {"serverPid","taskIds",
 * "cacheKey"} and waits to be killed:
 * what a `bun run start` holds at the moment of a SIGKILL, without an HTTP server around it.
 */
const [dataDir, count] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: native-postgres-holder.ts <data dir> <rows>");
const database = await openDatabase({ dataDir, embedded: "postgres" });
const rows = Array.from({ length: Number(count ?? 10) }, () => makeLogRow({ userAgent: "native-postgres-holder" }));
await insertRequestLogs(database.db, rows);
const cacheKey = `holder-${crypto.randomUUID()}`;
await upsertCachedAnswers(database.db, [{ key: cacheKey, digest: "d", provider: "openai", model: "gpt-4o-mini", costUsd: 0, bytes: 2, body: "{}", ttlSeconds: 3600 }]);
console.log(JSON.stringify({ serverPid: database.serverPid, taskIds: rows.map((row) => row.taskId), cacheKey }));
setInterval(() => {}, 60_000);
