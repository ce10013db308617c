import { type DatabaseHandle, openDatabase } from "../../src/db/client";

/**
 * One in-memory PGlite for the whole `bun test` run (all files share the process): creating one
 * costs seconds, so every test file reuses it and tells its rows apart by task id.
 */
let shared: Promise<DatabaseHandle> | undefined;

export function sharedTestDatabase(): Promise<DatabaseHandle> {
  shared ??= openDatabase({ dataDir: "memory://" });
  return shared;
}

/** The real PostgreSQL server of the machine, when TEST_DATABASE_URL is set (CI sets it). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
