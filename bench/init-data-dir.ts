import { openDatabase } from "../src/db/client";

/**
 * Creates the proxy's PGlite data dir (initdb and migrations) and exits, so the measured proxy
 * process opens an existing data dir as it does on every start after the first. Run as its own
 * process; the benchmark reports its peak RSS as the first-start figure.
 */
const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: bun run bench/init-data-dir.ts <data dir>");
const database = await openDatabase({ dataDir });
await database.close();
