import { mkdirSync } from "node:fs";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
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
 * (each costs 6-7 MiB of RSS).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([import("postgres"), import("drizzle-orm/postgres-js")]);
    await migratePostgresLocked(options.databaseUrl);
    // onnotice: silence "relation already exists, skipping" notices.
    const sql = postgres(options.databaseUrl, { max: 5, onnotice: () => {} });
    const db = drizzlePostgres(sql, { schema });
    return { db, kind: "postgres", close: () => sql.end({ timeout: 5 }) };
  }
  const [{ PGlite }, { drizzle: drizzlePglite }, files] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    loadPgliteFiles(),
  ]);
  const dataDir = options.dataDir;
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir, { ...files, startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${pgliteSharedBuffers}`] });
  const db = drizzlePglite(client, { schema });
  await applyEmbeddedMigrations(db);
  return { db, kind: "pglite", close: () => client.close() };
}
