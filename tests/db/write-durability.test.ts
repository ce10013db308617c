import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client";
import { rowsOf } from "../../src/db/rows-of";
import { databaseTargets } from "../helpers/test-database";

/**
 * What a crash may cost, as the README states it. On a PostgreSQL server the proxy's commits do not
 * wait for the disk (a crash of the server loses its last ~0.6 s of commits, never a proxy's crash)
 * and the response cache's table is unlogged (a crash of the server empties it). PGlite runs in the
 * proxy's process, where a proxy's crash is the database's: there commits stay synchronous and the
 * cache table logged, so a kill -9 loses no more than the rows still waiting in the proxy.
 */
for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`write durability on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const onServer = target.name !== "PGlite";

    beforeAll(async () => {
      handle = await target.open();
    });

    afterAll(async () => {
      if (handle && !target.shared) await handle.close();
    });

    test(`commits ${onServer ? "do not wait" : "wait"} for the disk (synchronous_commit ${onServer ? "off" : "on"}) on every connection`, async () => {
      // More at once than the pool holds connections, so several of them answer.
      const settings = await Promise.all(
        Array.from({ length: 8 }, async () => rowsOf<{ value: string }>(await handle.db.execute(sql`select current_setting('synchronous_commit') as value, pg_sleep(0.02)`))[0]!.value),
      );
      expect(new Set(settings)).toEqual(new Set([onServer ? "off" : "on"]));
    });

    test(`the response cache's table is ${onServer ? "unlogged" : "logged"}, the request log's logged`, async () => {
      const persistence = rowsOf<{ relname: string; relpersistence: string }>(
        await handle.db.execute(sql`select relname, relpersistence from pg_class where relname in ('response_cache', 'request_log', 'request_rollup') and relkind = 'r' order by relname`),
      );
      expect(persistence).toEqual([
        { relname: "request_log", relpersistence: "p" },
        { relname: "request_rollup", relpersistence: "p" },
        { relname: "response_cache", relpersistence: onServer ? "u" : "p" },
      ]);
    });
  });
}
