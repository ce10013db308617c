import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { numberOrNull, rowsOf } from "./rows-of";

/**
 * The newest migration the database has applied (drizzle's bookkeeping timestamp), or null when
 * none. Throws when the database cannot be reached: the first thing /ready checks.
 */
export async function lastAppliedMigrationMillis(db: Database): Promise<number | null> {
  const [row] = rowsOf<{ last: unknown }>(await db.execute(sql`select max(created_at) as last from drizzle.__drizzle_migrations`));
  return numberOrNull(row?.last);
}
