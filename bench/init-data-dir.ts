import { type EmbeddedDatabase, openDatabase } from "../src/db/client";

/**
 * Creates the proxy's embedded database (native PostgreSQL's initdb, or PGlite's shipped data dir)
 * and applies the migrations — or, given a postgres:// URL,
 * applies the migrations there — and exits, so the measured proxy process opens an existing
 * database as it does on every start after the first. Run as its own process; the benchmark
 * reports its peak RSS as the first-start figure.
 */
const [dataDir, databaseUrl] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: bun run bench/init-data-dir.ts <data dir> [postgres:// URL]");
// EMBEDDED_DATABASE as the proxy will have it (run-benchmark.ts passes the one in BENCH_PROXY_ENV).
const embedded = process.env.EMBEDDED_DATABASE as EmbeddedDatabase | undefined;
const database = await openDatabase({ dataDir, databaseUrl, embedded });
await database.close();
