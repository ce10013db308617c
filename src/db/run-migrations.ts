import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { embeddedMigrations } from "./embedded-migrations";

/**
 * Where drizzle keeps its bookkeeping; the same as drizzle-kit and drizzle's folder migrator, so a
 * data dir migrated by either stays compatible.
 */
const bookkeeping = { migrationsSchema: "drizzle", migrationsTable: "__drizzle_migrations" };

/** A server reached through a Unix socket directory (the embedded native server) instead of the URL's host. */
export interface SocketTarget {
  host: string;
  port: number;
}

/** An arbitrary fixed key: every instance of the proxy takes the same lock around its migrations. */
export const MIGRATION_LOCK_KEY = 7_304_151_016;

interface MigratableDatabase {
  dialect: { migrate(migrations: ReturnType<typeof embeddedMigrations>, session: unknown, config: typeof bookkeeping): Promise<void> };
  session: unknown;
}

/** Applies the embedded migrations that the database has not seen (drizzle's own migrate step). */
export async function applyEmbeddedMigrations(db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>): Promise<void> {
  // drizzle's `migrate(db, { migrationsFolder })` reads a folder and then calls exactly this.
  const migratable = db as unknown as MigratableDatabase;
  await migratable.dialect.migrate(embeddedMigrations(), migratable.session, bookkeeping);
}

/**
 * Migrates a PostgreSQL server under a session advisory lock on one dedicated connection: two
 * instances starting at the same moment would otherwise both see "nothing applied" and both run
 * `CREATE TABLE`. The second waits, then finds everything applied.
 */
export async function migratePostgresLocked(databaseUrl: string, socket?: SocketTarget): Promise<void> {
  const [{ default: postgres }, { drizzle }] = await Promise.all([import("postgres"), import("drizzle-orm/postgres-js")]);
  const connection = postgres(databaseUrl, { ...socket, max: 1, onnotice: () => {} });
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await applyEmbeddedMigrations(drizzle(connection));
    } finally {
      await connection`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await connection.end({ timeout: 5 });
  }
}
