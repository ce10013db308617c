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
 * Migration 0011 on a log written before it: a request whose client named the model was priced
 * on the baseline too, and counted as saved by routing. After it, that row has no baseline cost
 * and the rollups' routing saving holds only the routed request's. Run on a scratch database of
 * the PostgreSQL server (TEST_DATABASE_URL).
 */
const migrationsFolder = new URL("../../src/db/migrations", import.meta.url).pathname;

describe.skipIf(!testDatabaseUrl)("the named-model savings migration on an existing log", () => {
  const name = `claude_proxy_migration_0011_${process.pid}_${Date.now().toString(36)}`;
  const before = mkdtempSync(join(tmpdir(), "migrations-before-0011-"));
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

  test("a named model's baseline cost is cleared and leaves the routing saving", async () => {
    await admin.unsafe(`create database "${name}"`);
    cpSync(migrationsFolder, before, { recursive: true });
    writeFileSync(join(before, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.filter((entry) => entry.tag < "0011") }));
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: before });
    const hour = new Date(Date.UTC(2004, 1, 3, 10));
    const named = makeLogRow({ createdAt: hour, tier: "economy", routeReason: "requested openai:gpt-4o-mini", baselineModel: "openai:gpt-4o", baselineCostUsd: 0.01, costUsd: 0.001 });
    const routed = makeLogRow({ createdAt: hour, tier: "economy", routeReason: "auto: score 3 -> economy; cheapest economy openai:gpt-4o-mini", baselineModel: "openai:gpt-4o", baselineCostUsd: 0.02, costUsd: 0.002 });
    await insertRequestLogs(db, [named, routed]);
    const rollup = async () => {
      const row = rowsOf<Record<string, unknown>>(await db.execute(sql`select sum(baseline_cost_usd) as baseline, sum(routing_saved_usd) as saved, sum(requests) as requests from request_rollup`))[0]!;
      return { baseline: numberOf(row.baseline), saved: numberOf(row.saved), requests: numberOf(row.requests) };
    };
    const old = await rollup();
    expect(old.requests).toBe(2);
    expect(old.saved).toBeCloseTo(0.009 + 0.018, 12);

    await migrate(db, { migrationsFolder });
    const baselines = rowsOf<{ task_id: string; baseline_cost_usd: number | null }>(await db.execute(sql`select task_id, baseline_cost_usd from request_log order by baseline_cost_usd nulls first`));
    expect(baselines.map((row) => [row.task_id, row.baseline_cost_usd === null ? null : numberOf(row.baseline_cost_usd)])).toEqual([[named.taskId, null], [routed.taskId, 0.02]]);
    const after = await rollup();
    expect(after.requests).toBe(2);
    expect(after.baseline).toBeCloseTo(0.02, 12);
    expect(after.saved).toBeCloseTo(0.018, 12);
  });
});
