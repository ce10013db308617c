import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { arrayLiteral } from "./column-arrays";
import { executeFixed } from "./prepared-statement";
import { rowsOf } from "./rows-of";
import { responseCache } from "./schema";

/** Every read and write of the response cache's table (see src/cache/). */

export interface CachedAnswerRow {
  key: string;
  digest: string;
  provider: string;
  model: string;
  costUsd: number;
  body: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface CacheWrite {
  key: string;
  digest: string;
  provider: string;
  model: string;
  costUsd: number;
  bytes: number;
  body: string;
  ttlSeconds: number;
}

/**
 * Writes a batch in one statement; a key written again is replaced (and its clock restarts, and the
 * key sync lists it again: written_xid is the new write's transaction). The rows go as one array
 * per column (see column-arrays.ts: cheaper for the server to read than JSON). Returns the writing
 * transaction's id (written_xid, as text), so the writer's own key sync can leave these rows out.
 */
export async function upsertCachedAnswers(db: Database, rows: readonly CacheWrite[]): Promise<string | undefined> {
  if (rows.length === 0) return undefined;
  const column = (value: (row: CacheWrite) => unknown) => arrayLiteral(rows, value);
  const result = await executeFixed(
    db,
    sql`
    with written as (insert into ${responseCache} (key, digest, created_at, written_xid, expires_at, provider, model, cost_usd, bytes, body)
    select distinct on (r.key) r.key, r.digest, now(), pg_current_xact_id()::text::bigint, now() + make_interval(secs => r.ttl_seconds), r.provider, r.model, r.cost_usd, r.bytes, r.body
    from unnest(${column((row) => row.key)}::text[], ${column((row) => row.digest)}::text[], ${column((row) => row.provider)}::text[],
      ${column((row) => row.model)}::text[], ${column((row) => (Number.isFinite(row.costUsd) ? row.costUsd : null))}::double precision[], ${column((row) => row.bytes)}::integer[],
      ${column((row) => row.body)}::text[], ${column((row) => row.ttlSeconds)}::integer[]) with ordinality
      as r(key, digest, provider, model, cost_usd, bytes, body, ttl_seconds, position)
    order by r.key, r.position desc
    on conflict (key) do update set digest = excluded.digest, created_at = excluded.created_at, written_xid = excluded.written_xid, expires_at = excluded.expires_at,
      provider = excluded.provider, model = excluded.model, cost_usd = excluded.cost_usd, bytes = excluded.bytes, body = excluded.body
    returning written_xid)
    select min(written_xid)::text as xid from written`,
  );
  return rowsOf<{ xid: string | null }>(result)[0]?.xid ?? undefined;
}

export async function findCachedAnswer(db: Database, key: string): Promise<CachedAnswerRow | undefined> {
  const rows = rowsOf<{ key: string; digest: string; provider: string; model: string; cost_usd: number; body: string; expires_ms: string | number }>(
    await db.execute(sql`
      select key, digest, provider, model, cost_usd, body, (extract(epoch from expires_at) * 1000)::bigint as expires_ms
      from ${responseCache} where key = ${key} and expires_at > now()`),
  );
  const row = rows[0];
  if (!row) return undefined;
  return { key: row.key, digest: row.digest, provider: row.provider, model: row.model, costUsd: Number(row.cost_usd), body: row.body, expiresAt: Number(row.expires_ms) };
}

export interface CacheKeysSince {
  /**
   * The snapshot the database answered from (`pg_current_snapshot()` as text: which transactions
   * it could see): the next call's `since`.
   */
  snapshot: string;
  /** Live keys written by transactions `since` could not see (all live keys without one), newest first, at most `limit`. */
  keys: Array<{ key: string; expiresAt: number }>;
  /**
   * Keys of rows written by those transactions that are no longer live: evicted answers (a bad
   * rating, evictCachedAnswer), which every instance drops from its memory. None without `since`.
   */
  gone: string[];
}

/**
 * New keys (any instance's) since an earlier answer, for each instance's key index: the rows whose
 * writing transaction (written_xid) had not committed in the snapshot `since` (the last answer's),
 * so a row is listed once, however long its write took to commit. Every such transaction's id is
 * at least that snapshot's xmin (the oldest it saw running), which bounds the index scan. The
 * snapshot is the statement's own, the one the rows are read in. Rows written by the transactions
 * in `excluding` (the caller's own writes, whose keys it already holds) are left out.
 */
export async function listCacheKeysSince(db: Database, since: string | undefined, limit: number, excluding: readonly string[] = []): Promise<CacheKeysSince> {
  const newer =
    since === undefined
      ? sql``
      : sql`and written_xid >= pg_snapshot_xmin(${since}::pg_snapshot)::text::bigint and not pg_visible_in_snapshot(written_xid::text::xid8, ${since}::pg_snapshot)`;
  const others = excluding.length === 0 ? sql`` : sql`and written_xid <> all(${`{${excluding.join(",")}}`}::bigint[])`;
  // Only a look from a snapshot lists rows gone since: a first look has nothing in memory to drop.
  const gone =
    since === undefined
      ? sql`'[]'::json`
      : sql`(select coalesce(json_agg(g.key), '[]'::json) from (
          select key from ${responseCache} where expires_at <= now() ${newer} ${others} order by written_xid desc limit ${limit}
        ) g)`;
  const rows = rowsOf<{ snapshot: string; keys: Array<[string, number | string]> | string; gone: string[] | string }>(
    await db.execute(sql`
      select pg_current_snapshot()::text as snapshot, (
        select coalesce(json_agg(json_build_array(k.key, k.expires_ms)), '[]'::json) from (
          select key, (extract(epoch from expires_at) * 1000)::bigint as expires_ms from ${responseCache}
          where expires_at > now() ${newer} ${others} order by written_xid desc limit ${limit}
        ) k
      ) as keys, ${gone} as gone`),
  );
  const row = rows[0]!;
  const keys = typeof row.keys === "string" ? (JSON.parse(row.keys) as Array<[string, number | string]>) : row.keys;
  const goneKeys = typeof row.gone === "string" ? (JSON.parse(row.gone) as string[]) : row.gone;
  return { snapshot: row.snapshot, keys: keys.map(([key, expires]) => ({ key, expiresAt: Number(expires) })), gone: goneKeys };
}

/**
 * Ends an answer's life at once (a user rated it bad): the row expires now and is written by this
 * transaction, so every instance's next key sync lists it as gone and drops its copy from memory;
 * the minute's pruning deletes the row. Returns the transaction's id (as upsertCachedAnswers does),
 * or undefined when no live row had the key.
 */
export async function evictCachedAnswer(db: Database, key: string): Promise<string | undefined> {
  const rows = rowsOf<{ xid: string }>(
    await db.execute(sql`
      update ${responseCache} set expires_at = now(), written_xid = pg_current_xact_id()::text::bigint
      where key = ${key} and expires_at > now() returning written_xid::text as xid`),
  );
  return rows[0]?.xid;
}

/** Deletes expired answers; returns how many. */
export async function deleteExpiredCachedAnswers(db: Database): Promise<number> {
  const rows = rowsOf<{ count: number | string }>(
    await db.execute(sql`with gone as (delete from ${responseCache} where expires_at <= now() returning 1) select count(*) as count from gone`),
  );
  return Number(rows[0]?.count ?? 0);
}
