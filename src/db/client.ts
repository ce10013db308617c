import { mkdirSync } from "node:fs";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

const migrationsFolder = new URL("./migrations", import.meta.url).pathname;

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
    const [{ default: postgres }, { drizzle: drizzlePostgres }, { migrate: migratePostgres }] = await Promise.all([
      import("postgres"),
      import("drizzle-orm/postgres-js"),
      import("drizzle-orm/postgres-js/migrator"),
    ]);
    // onnotice: silence "relation already exists, skipping" notices from the migrator.
    const sql = postgres(options.databaseUrl, { max: 5, onnotice: () => {} });
    const db = drizzlePostgres(sql, { schema });
    await migratePostgres(db, { migrationsFolder });
    return { db, kind: "postgres", close: () => sql.end({ timeout: 5 }) };
  }
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  const dataDir = options.dataDir;
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${pgliteSharedBuffers}`] });
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return { db, kind: "pglite", close: () => client.close() };
}
