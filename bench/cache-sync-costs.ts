import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { KeyIndex } from "../src/cache/key-index";
import { type CacheWrite, listCacheKeysSince, upsertCachedAnswers } from "../src/db/cache-queries";
import { openDatabase } from "../src/db/client";
import { rowsOf } from "../src/db/rows-of";
import { processCpuMs } from "./child-process";
import { descendants } from "./process-watch";

/**
 * `bun run bench/cache-sync-costs.ts [seconds] [keys a second]`: what the response cache's key sync
 * costs, on the zero-setup native PostgreSQL in a scratch directory, while this process writes keys
 * at a steady rate (five batches a second, as the cache writer does), three ways side by side, each
 * once a second in rotating order: the look 2 s back by created_at that the sync did before
 * (its query is kept here, with its index), the snapshot's new rows (written_xid), and those without
 * this process's own writes (what ResponseCache does). Prints the server's and this process's CPU
 * per sync and per request at that rate, and the keys each look read.
 */
const seconds = Number(process.argv[2] ?? 30);
const perSecond = Number(process.argv[3] ?? 2800);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-cache-sync-"));
const handle = await openDatabase({ dataDir, embedded: "postgres" });
const db = handle.db;
await db.execute(sql`create index response_cache_created_at_idx on response_cache (created_at)`);

/** The sync before migration 0009: every key written since the last look's clock minus 2 s. */
async function listByTime(since: Date): Promise<{ now: Date; keys: Array<{ key: string; expiresAt: number }> }> {
  const rows = rowsOf<{ now: Date | string; keys: Array<[string, number | string]> | string }>(
    await db.execute(sql`
      select now() as now, (
        select coalesce(json_agg(json_build_array(k.key, k.expires_ms)), '[]'::json) from (
          select key, (extract(epoch from expires_at) * 1000)::bigint as expires_ms from response_cache
          where created_at > ${since.toISOString()}::timestamptz and expires_at > now() order by created_at desc limit 200000
        ) k
      ) as keys`),
  );
  const row = rows[0]!;
  const keys = typeof row.keys === "string" ? (JSON.parse(row.keys) as Array<[string, number | string]>) : row.keys;
  return { now: new Date(row.now), keys: keys.map(([key, expires]) => ({ key, expiresAt: Number(expires) })) };
}

const body = JSON.stringify({ id: "chatcmpl-x", choices: [{ message: { role: "assistant", content: "y".repeat(300) } }] });
const row = (): CacheWrite => {
  const key = Bun.hash.xxHash3(crypto.randomUUID()).toString(16).padStart(16, "0").repeat(2);
  return { key, digest: key, provider: "openai", model: "gpt-4o-mini", costUsd: 0.001, bytes: body.length, body, ttlSeconds: 3600 };
};
const serverMs = () => descendants(process.pid).reduce((sum, { pid }) => sum + (processCpuMs(pid) || 0), 0);
const cpuUs = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

type Way = "byTime" | "snapshot" | "withoutOwn";
const ways: Way[] = ["byTime", "snapshot", "withoutOwn"];
const index = Object.fromEntries(ways.map((way) => [way, new KeyIndex(200_000)])) as Record<Way, KeyIndex>;
let byTimeUntil = new Date(0);
const snapshots: Partial<Record<Way, string>> = {};
const ownWrites: string[] = [];
const add = (way: Way, keys: Array<{ key: string; expiresAt: number }>) => {
  for (let at = keys.length - 1; at >= 0; at--) index[way].add(keys[at]!.key, keys[at]!.expiresAt);
  return keys.length;
};
const sync: Record<Way, () => Promise<number>> = {
  byTime: async () => {
    const { now, keys } = await listByTime(new Date(Math.max(0, byTimeUntil.getTime() - 2_000)));
    byTimeUntil = now;
    return add("byTime", keys);
  },
  snapshot: async () => {
    const { snapshot, keys } = await listCacheKeysSince(db, snapshots.snapshot, 200_000);
    snapshots.snapshot = snapshot;
    return add("snapshot", keys);
  },
  withoutOwn: async () => {
    const done = ownWrites.length;
    const { snapshot, keys } = await listCacheKeysSince(db, snapshots.withoutOwn, 200_000, ownWrites.slice(0, done));
    snapshots.withoutOwn = snapshot;
    ownWrites.splice(0, done);
    return add("withoutOwn", keys);
  },
};
const totals = Object.fromEntries(ways.map((way) => [way, { server: 0, own: 0, keys: 0 }])) as Record<Way, { server: number; own: number; keys: number }>;
try {
  for (const way of ways) await sync[way]();
  for (let second = 0; second < seconds; second++) {
    const started = Date.now();
    for (let batch = 0; batch < 5; batch++) {
      const xid = await upsertCachedAnswers(db, Array.from({ length: Math.round(perSecond / 5) }, row));
      if (xid) ownWrites.push(xid);
      await Bun.sleep(150);
    }
    const order = ways.map((_, at) => ways[(at + second) % ways.length]!);
    for (const way of order) {
      const server = serverMs();
      const own = cpuUs();
      totals[way].keys += await sync[way]();
      totals[way].own += cpuUs() - own;
      totals[way].server += (serverMs() - server) * 1000;
    }
    await Bun.sleep(Math.max(0, 1_000 - (Date.now() - started)));
  }
  console.log(`${seconds} syncs each, ${perSecond} keys written a second; load average ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
  for (const way of ways) {
    const { server, own, keys } = totals[way];
    console.log(
      `${way.padEnd(10)} per sync: server ${(server / seconds / 1000).toFixed(2)} ms, this process ${(own / seconds / 1000).toFixed(2)} ms, ${(keys / seconds).toFixed(0)} keys; ` +
        `per request: server ${(server / seconds / perSecond).toFixed(2)} µs, this process ${(own / seconds / perSecond).toFixed(2)} µs`,
    );
  }
} finally {
  await handle.close();
  rmSync(dataDir, { recursive: true, force: true });
}
