import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../src/db/client";
import journal from "../../src/db/migrations/meta/_journal.json" with { type: "json" };
import { insertRequestLogs } from "../../src/db/queries";
import { rowsOf } from "../../src/db/rows-of";
import { countLogRows, makeLogRow } from "../helpers/request-log-rows";

/**
 * PGlite's first start unpacks the data directory shipped in src/db/pglite-data-dir.tar.gz
 * instead of running initdb. It must open with the PGlite installed now (after an upgrade of
 * @electric-sql/pglite, `bun run scripts/make-pglite-data-dir.ts` makes a new one), end with
 * every migration applied, keep its rows across a restart, and survive a start killed mid-unpack.
 */
const root = mkdtempSync(join(tmpdir(), "claude-proxy-pglite-dir-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function appliedMigrations(dataDir: string) {
  const database = await openDatabase({ dataDir, embedded: "pglite" });
  try {
    const rows = rowsOf<{ count: number }>(await database.db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`));
    return { database, count: rows[0]?.count };
  } catch (error) {
    await database.close();
    throw error;
  }
}

test("a new directory gets the shipped database, with every migration applied, and keeps its rows across a restart", async () => {
  const dataDir = join(root, "fresh");
  const row = makeLogRow();
  const first = await appliedMigrations(dataDir);
  try {
    expect(first.database.kind).toBe("pglite");
    expect(first.count).toBe(journal.entries.length);
    await insertRequestLogs(first.database.db, [row]);
  } finally {
    await first.database.close();
  }
  const again = await openDatabase({ dataDir, embedded: "pglite" });
  try {
    expect(await countLogRows(again.db, [row.taskId])).toBe(1);
  } finally {
    await again.close();
  }
}, 60_000);

test("a first start killed halfway through unpacking (files, but no PG_VERSION) is unpacked again", async () => {
  const dataDir = join(root, "half");
  mkdirSync(join(dataDir, "base"), { recursive: true });
  writeFileSync(join(dataDir, "base", "leftover"), "partial");
  expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(false);
  const opened = await appliedMigrations(dataDir);
  try {
    expect(opened.count).toBe(journal.entries.length);
  } finally {
    await opened.database.close();
  }
}, 60_000);
