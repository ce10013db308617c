import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { insertRequestLogs } from "../../src/db/queries";
import * as schema from "../../src/db/schema";
import { numberOf, rowsOf } from "../../src/db/rows-of";
import journal from "../../src/db/migrations/meta/_journal.json";
import { makeLogRow } from "../helpers/request-log-rows";
import { testDatabaseUrl } from "../helpers/test-database";

/**
 * Migration 0002 on a database that already holds a request log: it fills the rollups from the
 * rows logged before it. Run on a scratch database of the PostgreSQL server (TEST_DATABASE_URL).
 */
const migrationsFolder = new URL("../../src/db/migrations", import.meta.url).pathname;

describe.skipIf(!testDatabaseUrl)("the dashboard migration on an existing log", () => {
  const name = `claude_proxy_migration_${process.pid}_${Date.now().toString(36)}`;
  const before = mkdtempSync(join(tmpdir(), "migrations-before-"));
  const admin = postgres(testDatabaseUrl!, { max: 1, onnotice: () => {} });
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${name}`;
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });

  afterAll(async () => {
    await client.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
    rmSync(before, { recursive: true, force: true });
  });

  test("rows logged before the migration are in the rollups after it", async () => {
    await admin.unsafe(`create database "${name}"`);
    // The migrations as they were before the dashboard's.
    cpSync(migrationsFolder, before, { recursive: true });
    const earlier = journal.entries.filter((entry) => entry.tag < "0002");
    writeFileSync(join(before, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: earlier }));
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: before });
    const rows = Array.from({ length: 12 }, (_, index) => makeLogRow({ createdAt: new Date(Date.UTC(2004, 1, 3, index)), status: index % 4 === 0 ? 500 : 200, latencyMs: 100 * (index + 1) }));
    await insertRequestLogs(db, rows);

    await migrate(db, { migrationsFolder });
    const rollup = rowsOf<Record<string, unknown>>(await db.execute(sql`select sum(requests) as requests, sum(failed) as failed, sum(tokens_in) as tokens_in from request_rollup`))[0]!;
    expect({ requests: numberOf(rollup.requests), failed: numberOf(rollup.failed), tokensIn: numberOf(rollup.tokens_in) }).toEqual({ requests: 12, failed: 3, tokensIn: 12 * 20 });
    const hourly = rowsOf<Record<string, unknown>>(await db.execute(sql`select sum(count) as count from request_latency_rollup where kind = 'latency'`))[0]!;
    const daily = rowsOf<Record<string, unknown>>(await db.execute(sql`select sum(count) as count from request_latency_rollup_daily where kind = 'latency'`))[0]!;
    expect(numberOf(hourly.count)).toBe(9);
    expect(numberOf(daily.count)).toBe(9);

    // And from then on the triggers keep them in step.
    await insertRequestLogs(db, [makeLogRow({ createdAt: new Date(Date.UTC(2004, 1, 3, 5, 30)) })]);
    const after = rowsOf<Record<string, unknown>>(await db.execute(sql`select sum(requests) as requests from request_rollup`))[0]!;
    expect(numberOf(after.requests)).toBe(13);
  });
});
