import { accessSync, constants, mkdirSync } from "node:fs";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { CONNECT_TIMEOUT_SECONDS, pgliteOpenError, postgresConnectError, postgresMigrationError } from "./open-error";
import { loadPgliteFiles } from "./pglite-files";
import { applyEmbeddedMigrations, migratePostgresLocked } from "./run-migrations";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; without it the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; "memory://" for an in-memory database. */
  dataDir: string;
}

/**
 * PGlite's data dir says shared_buffers = 128MB and the WASM Postgres touches all of it at start:
 * ~110 MiB of RSS for a request log that the OS page cache serves just as well. 16MB keeps the
 * proxy's resident memory down with no measurable cost to its batched inserts.
 */
const pgliteSharedBuffers = "16MB";

/**
 * Opens the configured database and applies pending migrations. Only the driver in use is loaded
 * (each costs 6-7 MiB of RSS). A failure names its cause and the variable to fix (DatabaseOpenError).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}

async function openPostgres(databaseUrl: string): Promise<DatabaseHandle> {
  const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([import("postgres"), import("drizzle-orm/postgres-js")]);
  const sql = postgres(databaseUrl, {
    max: 5,
    // A port that never answers fails in seconds, at start and on every reconnect (postgres.js waits 30 s).
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    // A commit returns once the server has the rows, not once they are on its disk: writes take ~0.2 ms
    // instead of an fsync (2-5 ms here), so fewer rows wait in the proxy for a crash of the proxy to lose.
    // Only a crash of the server itself can lose its last ~0.6 s of commits (3 x wal_writer_delay).
    connection: { synchronous_commit: "off" },
    // Silence "relation already exists, skipping" notices.
    onnotice: () => {},
  });
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: 0 });
    throw postgresConnectError(error, databaseUrl);
  }
  try {
    // Under an advisory lock, so instances starting together never run the same migration twice.
    await migratePostgresLocked(databaseUrl);
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw postgresMigrationError(error, databaseUrl);
  }
  const db = drizzlePostgres(sql, { schema });
  return { db, kind: "postgres", close: () => sql.end({ timeout: 5 }) };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }, files] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    loadPgliteFiles(),
  ]);
  let client: InstanceType<typeof PGlite> | undefined;
  try {
    if (!dataDir.startsWith("memory://")) {
      mkdirSync(dataDir, { recursive: true });
      // PGlite's own error for a directory it cannot write is an opaque WASM file-system errno.
      accessSync(dataDir, constants.W_OK);
    }
    client = new PGlite(dataDir, { ...files, startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${pgliteSharedBuffers}`] });
    const db = drizzlePglite(client, { schema });
    await applyEmbeddedMigrations(db);
    const opened = client;
    return { db, kind: "pglite", close: () => opened.close() };
  } catch (error) {
    await client?.close().catch(() => {});
    throw pgliteOpenError(error, dataDir);
  }
}
