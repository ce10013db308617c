import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { type CacheWrite, evictCachedAnswer, findCachedAnswer, listCacheKeysSince, upsertCachedAnswers } from "../../src/db/cache-queries";
import type { DatabaseHandle } from "../../src/db/client";
import { databaseTargets } from "../helpers/test-database";

/**
 * The response cache's key sync (listCacheKeysSince): each call answers with the database's
 * snapshot, and the next call from that snapshot lists exactly the live keys written by
 * transactions the snapshot could not see: every new key once, none again, a rewritten key again,
 * and (on PostgreSQL, where another connection can hold a write open) a write that commits long
 * after it started, which a look back by time would miss.
 */
for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`response cache key sync on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const keys: string[] = [];
    const write = (overrides: Partial<CacheWrite> = {}): CacheWrite => {
      const key = overrides.key ?? `sync-${crypto.randomUUID()}`;
      keys.push(key);
      return { key, digest: `digest-${key}`, provider: "openai", model: "gpt-4o-mini", costUsd: 0.001, bytes: 2, body: "{}", ttlSeconds: 600, ...overrides };
    };
    /** Only this test's keys (the shared PGlite holds other files' rows). */
    const ours = (listed: Array<{ key: string }>) => listed.map(({ key }) => key).filter((key) => keys.includes(key)).sort();

    beforeAll(async () => {
      handle = await target.open();
    });

    afterAll(async () => {
      if (!handle) return;
      if (keys.length > 0) await handle.db.execute(sql`delete from response_cache where key in (${sql.join(keys.map((key) => sql`${key}`), sql`, `)})`);
      if (!target.shared) await handle.close();
    });

    test("lists every live key first, then each new or rewritten key once", async () => {
      const first = [write(), write()];
      await upsertCachedAnswers(handle.db, first);
      const all = await listCacheKeysSince(handle.db, undefined, 200_000);
      expect(ours(all.keys)).toEqual(first.map((row) => row.key).sort());
      for (const { expiresAt } of all.keys) expect(expiresAt).toBeGreaterThan(Date.now());

      const nothing = await listCacheKeysSince(handle.db, all.snapshot, 200_000);
      expect(ours(nothing.keys)).toEqual([]);

      const second = [write(), write(), write()];
      await upsertCachedAnswers(handle.db, second.slice(0, 2));
      await upsertCachedAnswers(handle.db, second.slice(2));
      const next = await listCacheKeysSince(handle.db, nothing.snapshot, 200_000);
      expect(ours(next.keys)).toEqual(second.map((row) => row.key).sort());

      // A key written again is new again (its expiry moved); the others are not listed.
      await upsertCachedAnswers(handle.db, [{ ...first[0]!, ttlSeconds: 900 }]);
      const rewritten = await listCacheKeysSince(handle.db, next.snapshot, 200_000);
      expect(ours(rewritten.keys)).toEqual([first[0]!.key]);
      expect(rewritten.keys.find(({ key }) => key === first[0]!.key)!.expiresAt).toBeGreaterThan(Date.now() + 800_000);
      expect(ours((await listCacheKeysSince(handle.db, rewritten.snapshot, 200_000)).keys)).toEqual([]);
    });

    test("expired keys are not listed; the newest come first within the limit", async () => {
      const expired = write({ ttlSeconds: 0 });
      const older = write();
      const newer = write();
      const start = await listCacheKeysSince(handle.db, undefined, 200_000);
      await upsertCachedAnswers(handle.db, [expired]);
      await upsertCachedAnswers(handle.db, [older]);
      await upsertCachedAnswers(handle.db, [newer]);
      const listed = await listCacheKeysSince(handle.db, start.snapshot, 2);
      expect(listed.keys.map(({ key }) => key)).toEqual([newer.key, older.key]);
    });

    test("an evicted key is listed as gone once, by the next look only, and is no longer found", async () => {
      const kept = write();
      const evicted = write();
      await upsertCachedAnswers(handle.db, [kept, evicted]);
      const start = await listCacheKeysSince(handle.db, undefined, 200_000);
      expect(start.gone).toEqual([]);
      const xid = await evictCachedAnswer(handle.db, evicted.key);
      expect(xid).toMatch(/^\d+$/);
      expect(await evictCachedAnswer(handle.db, evicted.key)).toBeUndefined();
      expect(await findCachedAnswer(handle.db, evicted.key)).toBeUndefined();
      const next = await listCacheKeysSince(handle.db, start.snapshot, 200_000);
      expect(ours(next.keys)).toEqual([]);
      expect(ours(next.gone.map((key) => ({ key })))).toEqual([evicted.key]);
      expect(ours((await listCacheKeysSince(handle.db, start.snapshot, 200_000, [xid!])).gone.map((key) => ({ key })))).toEqual([]);
      expect((await listCacheKeysSince(handle.db, next.snapshot, 200_000)).gone).not.toContain(evicted.key);
      expect(await findCachedAnswer(handle.db, kept.key)).toBeDefined();
    });

    test("leaves out the rows of the transactions it is told to (the caller's own writes)", async () => {
      const start = await listCacheKeysSince(handle.db, undefined, 200_000);
      const own = [write(), write()];
      const other = write();
      const ownXid = await upsertCachedAnswers(handle.db, own);
      const otherXid = await upsertCachedAnswers(handle.db, [other]);
      expect(ownXid).toMatch(/^\d+$/);
      expect(otherXid).toMatch(/^\d+$/);
      expect(otherXid).not.toBe(ownXid);
      expect(await upsertCachedAnswers(handle.db, [])).toBeUndefined();
      const listed = await listCacheKeysSince(handle.db, start.snapshot, 200_000, [ownXid!]);
      expect(ours(listed.keys)).toEqual([other.key]);
      expect(ours((await listCacheKeysSince(handle.db, start.snapshot, 200_000, [ownXid!, otherXid!])).keys)).toEqual([]);
      expect(ours((await listCacheKeysSince(handle.db, start.snapshot, 200_000)).keys)).toEqual([...own.map((row) => row.key), other.key].sort());
    });

    test.skipIf(target.shared)("a write that commits seconds after it started is listed by the look after its commit, once", async () => {
      const late = write();
      const early = write();
      let during: Awaited<ReturnType<typeof listCacheKeysSince>> | undefined;
      let next: Awaited<ReturnType<typeof listCacheKeysSince>> | undefined;
      const these = (listed: Array<{ key: string }>) => ours(listed).filter((key) => key === late.key || key === early.key);
      await handle.db.transaction(async (tx) => {
        await upsertCachedAnswers(tx as unknown as typeof handle.db, [late]);
        // A later transaction commits while the first is open: the snapshot then lists the first
        // as running (below its xmax), and sees the second, whose id is above the snapshot's xmin.
        await upsertCachedAnswers(handle.db, [early]);
        // Longer than the 2 s the sync used to look back past its last look.
        await Bun.sleep(2_200);
        during = await listCacheKeysSince(handle.db, undefined, 200_000);
        expect(these(during.keys)).toEqual([early.key]);
        expect(during.snapshot).toMatch(/^(\d+):(\d+):\d+/);
        next = await listCacheKeysSince(handle.db, during.snapshot, 200_000);
        expect(these(next.keys)).toEqual([]);
      });
      const after = await listCacheKeysSince(handle.db, next!.snapshot, 200_000);
      expect(these(after.keys)).toEqual([late.key]);
      expect(these((await listCacheKeysSince(handle.db, after.snapshot, 200_000)).keys)).toEqual([]);
    });
  });
}
