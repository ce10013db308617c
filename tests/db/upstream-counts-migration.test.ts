import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Database } from "../../src/db/client";
import { insertRequestLogs, loadTierOutcomes } from "../../src/db/queries";
import * as schema from "../../src/db/schema";
import { numberOf, rowsOf } from "../../src/db/rows-of";
import journal from "../../src/db/migrations/meta/_journal.json";
import { makeLogRow } from "../helpers/request-log-rows";
import { testDatabaseUrl } from "../helpers/test-database";

/**
 * Migration 0012 on a database written before it: the rollups' new columns (requests for `auto`,
 * the upstream's own successes, failures and latency, cache hits left out) are filled from the rows
 * still logged, approximated from the old sums for hours retention pruned, and the ratings learn
 * their request's time, tier and provider. On PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
const migrationsFolder = new URL("../../src/db/migrations", import.meta.url).pathname;
const before = mkdtempSync(join(tmpdir(), "migrations-before-0012-"));
cpSync(migrationsFolder, before, { recursive: true });
writeFileSync(join(before, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.filter((entry) => entry.tag < "0012") }));

interface Opened {
  db: Database;
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

async function openPglite(): Promise<Opened> {
  const client = new PGlite();
  const db = drizzlePglite(client, { schema });
  return { db: db as unknown as Database, migrate: (folder) => migratePglite(db, { migrationsFolder: folder }), close: () => client.close() };
}

async function openPostgres(): Promise<Opened> {
  const name = `claude_proxy_migration_0012_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(testDatabaseUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${name}`;
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema });
  return {
    db: db as unknown as Database,
    migrate: (folder) => migratePostgres(db, { migrationsFolder: folder }),
    close: async () => {
      await client.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

afterAll(() => rmSync(before, { recursive: true, force: true }));

const targets = [
  { name: "PGlite", skip: false, open: openPglite },
  { name: "PostgreSQL", skip: !testDatabaseUrl, open: openPostgres },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`migration 0012 on an existing ${target.name} database`, () => {
    test("fills the new rollup sums and the ratings' request fields", async () => {
      const opened = await target.open();
      try {
        const { db } = opened;
        await opened.migrate(before);
        const hour = Date.UTC(2004, 1, 3, 10);
        const at = (minutes: number) => new Date(hour + minutes * 60_000);
        const kept = [
          makeLogRow({ createdAt: at(1), tier: "economy", requestedModel: "auto", latencyMs: 1000 }),
          makeLogRow({ createdAt: at(2), tier: "economy", requestedModel: "AUTO", latencyMs: 1, cacheStatus: "hit" }),
          makeLogRow({ createdAt: at(3), tier: "economy", requestedModel: "auto", status: 404, errorType: "not_found_error" }),
          makeLogRow({ createdAt: at(4), tier: "economy", requestedModel: "gpt-4o-mini", status: 502, errorType: "upstream_error" }),
          makeLogRow({ createdAt: at(5), tier: "economy", requestedModel: "auto", status: 499, errorType: "client_closed" }),
        ];
        // An hour retention pruned before the migration: only the rollup remembers it.
        const pruned = [
          makeLogRow({ createdAt: at(-120), tier: "economy", latencyMs: 300 }),
          makeLogRow({ createdAt: at(-119), tier: "economy", latencyMs: 2, cacheStatus: "hit" }),
          makeLogRow({ createdAt: at(-118), tier: "economy", status: 500, errorType: "upstream_error" }),
        ];
        await insertRequestLogs(db, [...kept, ...pruned]);
        await db.transaction(async (transaction) => {
          await transaction.execute(sql`select set_config('claude_proxy.pruning', 'on', true)`);
          await transaction.execute(sql`delete from request_log where created_at < ${at(0).toISOString()}::timestamptz`);
        });
        await db.execute(sql`insert into feedback (id, task_id, created_at, rating, source) values
          (gen_random_uuid(), ${kept[0]!.taskId}, ${at(30).toISOString()}::timestamptz, 1, 'api'),
          (gen_random_uuid(), ${kept[0]!.taskId}, ${at(40).toISOString()}::timestamptz, -1, 'api')`);

        await opened.migrate(migrationsFolder);
        const sums = async (from: Date, to: Date) => {
          const row = rowsOf<Record<string, unknown>>(
            await db.execute(sql`select sum(auto_requests) as auto, sum(upstream_succeeded) as ok, sum(upstream_failed) as failed, sum(upstream_latency_ms_sum) as latency
              from request_rollup where hour >= ${from.toISOString()}::timestamptz and hour < ${to.toISOString()}::timestamptz`),
          )[0]!;
          return { auto: numberOf(row.auto), ok: numberOf(row.ok), failed: numberOf(row.failed), latency: numberOf(row.latency) };
        };
        // Kept rows exactly: the hit is no upstream success, the 404 is a failure, the 499 neither.
        expect(await sums(at(0), at(60))).toEqual({ auto: 4, ok: 1, failed: 2, latency: 1000 });
        // Pruned hour: the old sums less the hits (the hit's latency cannot be told apart there).
        expect(await sums(at(-120), at(-60))).toEqual({ auto: 0, ok: 1, failed: 1, latency: 302 });
        const rated = rowsOf<Record<string, unknown>>(await db.execute(sql`select request_tier, request_provider, extract(epoch from request_created_at) * 1000 as at from feedback`));
        expect(rated.map((row) => [row.request_tier, row.request_provider, numberOf(row.at)])).toEqual([
          ["economy", "openai", at(1).getTime()],
          ["economy", "openai", at(1).getTime()],
        ]);
        expect(await loadTierOutcomes(db, at(-180), at(60))).toEqual([{ tier: "economy", requests: 8, auto: 4, rated: 1, ratedBad: 1 }]);

        // The trigger keeps the new sums from now on.
        await insertRequestLogs(db, [makeLogRow({ createdAt: at(6), tier: "economy", requestedModel: "auto", latencyMs: 50 })]);
        expect(await sums(at(0), at(60))).toEqual({ auto: 5, ok: 2, failed: 2, latency: 1050 });
      } finally {
        await opened.close();
      }
    });
  });
}
