import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type PostgresJsDatabase, drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { insertRequestLogs } from "../../src/db/queries";
import { jsonRecordsWriter } from "../../src/db/json-records";
import * as schema from "../../src/db/schema";
import type { RequestLogRow } from "../../src/db/schema";
import { numberOf, rowsOf } from "../../src/db/rows-of";
import journal from "../../src/db/migrations/meta/_journal.json";
import { makeLogRow } from "../helpers/request-log-rows";
import { testDatabaseUrl } from "../helpers/test-database";

/**
 * Migration 0002 on a database that already holds a request log: it fills the rollups from the
 * rows logged before it. Run on a scratch database of the PostgreSQL server (TEST_DATABASE_URL).
 */
const migrationsFolder = new URL("../../src/db/migrations", import.meta.url).pathname;

/**
 * Rows into a request_log of an earlier migration, which lacks the newer columns: as JSON records,
 * whose keys without a column are ignored (the writer's own insert sends every current column).
 */
const logJson = jsonRecordsWriter(schema.requestLog);
const insertIntoOlderSchema = (db: PostgresJsDatabase<typeof schema>, rows: RequestLogRow[]) =>
  db.execute(sql`insert into request_log select * from json_populate_recordset(null::request_log, ${logJson(rows)}::json)`);

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
    await insertIntoOlderSchema(db, rows);

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

  test("migration 0006 fills the new sums from the rows already logged and takes the subscription's share out of routing", async () => {
    const second = `${name}_b`;
    await admin.unsafe(`create database "${second}"`);
    const secondUrl = new URL(testDatabaseUrl!);
    secondUrl.pathname = `/${second}`;
    const secondClient = postgres(secondUrl.toString(), { max: 1, onnotice: () => {} });
    const folder = mkdtempSync(join(tmpdir(), "migrations-0005-"));
    try {
      cpSync(migrationsFolder, folder, { recursive: true });
      writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.filter((entry) => entry.tag < "0006") }));
      const db = drizzle(secondClient, { schema });
      await migrate(db, { migrationsFolder: folder });
      const at = new Date(Date.UTC(2004, 5, 7, 10, 15));
      await insertIntoOlderSchema(db, [
        makeLogRow({ createdAt: at, provider: "claude-cli", model: "opus", costUsd: 0, baselineCostUsd: 0.05, subscriptionValueUsd: 0.03, cacheStatus: "miss", compressionTokensBefore: 900, compressionTokensAfter: 700 }),
        makeLogRow({ createdAt: at, provider: "claude-cli", model: "opus", costUsd: 0, cacheStatus: "hit", cacheSavedUsd: 0.02 }),
        makeLogRow({ createdAt: at, provider: "claude-cli", model: "opus", costUsd: 0, baselineCostUsd: 0.04, subscriptionValueUsd: 0.01, cacheStatus: "bypass" }),
      ]);
      await migrate(db, { migrationsFolder });
      const rollup = rowsOf<Record<string, unknown>>(
        await db.execute(sql`select requests, routing_saved_usd, subscription_value_usd, cache_hits, cache_misses, cache_saved_usd, compression_tokens_before, compression_tokens_after from request_rollup where provider = 'claude-cli'`),
      );
      expect(rollup).toHaveLength(1);
      const values = Object.fromEntries(Object.entries(rollup[0]!).map(([key, value]) => [key, numberOf(value)]));
      expect(values.requests).toBe(3);
      expect(values.routing_saved_usd).toBeCloseTo(0.05 - 0.03 + 0.04 - 0.01, 12);
      expect(values.subscription_value_usd).toBeCloseTo(0.04, 12);
      expect({ hits: values.cache_hits, misses: values.cache_misses, before: values.compression_tokens_before, after: values.compression_tokens_after }).toEqual({ hits: 1, misses: 1, before: 900, after: 700 });
      expect(values.cache_saved_usd).toBeCloseTo(0.02, 12);
      // The triggers of 0006 then add to the same sums.
      await insertRequestLogs(db, [makeLogRow({ createdAt: at, provider: "claude-cli", model: "opus", costUsd: 0, cacheStatus: "hit", cacheSavedUsd: 0.5 })]);
      const after = rowsOf<Record<string, unknown>>(await db.execute(sql`select cache_hits, cache_saved_usd from request_rollup where provider = 'claude-cli'`))[0]!;
      expect(numberOf(after.cache_hits)).toBe(2);
      expect(numberOf(after.cache_saved_usd)).toBeCloseTo(0.52, 12);
    } finally {
      await secondClient.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${second}" with (force)`);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
