import { sql } from "drizzle-orm";
import { sharedTestDatabase } from "./test-database";

/** Removes every budget limit, spend and reservation from the shared test database (a test that sets a global budget must not leave it to others). */
export async function clearBudgets(): Promise<void> {
  const { db } = await sharedTestDatabase();
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await db.execute(sql.raw(`delete from ${table}`));
}
