import { openDatabase } from "../../src/db/client";
import { insertRequestLogs } from "../../src/db/queries";
import { makeLogRow } from "./request-log-rows";

/**
 * A process that opens the embedded native PostgreSQL in the given DATA_DIR, writes the given
 * number of request-log rows (committed), prints {"serverPid","taskIds"} and waits to be killed:
 * what a `bun run start` holds at the moment of a SIGKILL, without an HTTP server around it.
 */
const [dataDir, count] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: native-postgres-holder.ts <data dir> <rows>");
const database = await openDatabase({ dataDir, embedded: "postgres" });
const rows = Array.from({ length: Number(count ?? 10) }, () => makeLogRow({ userAgent: "native-postgres-holder" }));
await insertRequestLogs(database.db, rows);
console.log(JSON.stringify({ serverPid: database.serverPid, taskIds: rows.map((row) => row.taskId) }));
setInterval(() => {}, 60_000);
