import { openDatabase } from "../src/db/client";

/**
 * Creates the proxy's PGlite data dir (initdb and migrations) — or, given a postgres:// URL,
 * applies the migrations there — and exits, so the measured proxy process opens an existing
 * database as it does on every start after the first. Run as its own process; the benchmark
 * reports its peak RSS as the first-start figure.
 */
const [dataDir, databaseUrl] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: bun run bench/init-data-dir.ts <data dir> [postgres:// URL]");
const database = await openDatabase({ dataDir, databaseUrl });
await database.close();
