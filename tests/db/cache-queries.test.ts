import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { type CacheWrite, findCachedAnswer, upsertCachedAnswers } from "../../src/db/cache-queries";
import type { DatabaseHandle } from "../../src/db/client";
import { databaseTargets } from "../helpers/test-database";

/**
 * The response cache's batch write on both databases: rows go as one array literal per column
 * (column-arrays.ts), so bodies with every character an array literal or JSON treats specially
 * must come back byte for byte, long ones uncut, and a key written twice in one batch keeps the
 * later answer.
 */
for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`response cache writes on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const keys: string[] = [];
    const write = (body: string, overrides: Partial<CacheWrite> = {}): CacheWrite => {
      const key = overrides.key ?? `test-${crypto.randomUUID()}`;
      keys.push(key);
      return { key, digest: `digest-${key}`, provider: "openai", model: "gpt-4o-mini", costUsd: 0.00123, bytes: Buffer.byteLength(body), body, ttlSeconds: 600, ...overrides };
    };

    beforeAll(async () => {
      handle = await target.open();
    });

    afterAll(async () => {
      if (!handle) return;
      await handle.db.execute(sql`delete from response_cache where key in (${sql.join(keys.map((key) => sql`${key}`), sql`, `)})`);
      if (!target.shared) await handle.close();
    });

    test("bodies round-trip exactly in one batch: quotes, backslashes, braces, commas, NULL, blanks, long text", async () => {
      const bodies = [
        JSON.stringify({ choices: [{ message: { content: 'He said "hi" \\ then {left}, (right) and NULL\n\ttab' } }] }),
        "NULL",
        "",
        " ",
        "a,b}{c",
        "ends with a backslash \\",
        "naïve ✓ 日本語 🎉",
        // Quotes beside raw control characters (literal-quote.ts quotes text with them the slower way).
        'raw "quote" and a newline\n, a tab\t and \u0001',
        'back\\slash \\" and \u001f',
        "x".repeat(20_000),
      ];
      const rows = bodies.map((body) => write(body));
      await upsertCachedAnswers(handle.db, rows);
      for (const row of rows) {
        const found = await findCachedAnswer(handle.db, row.key);
        expect(found && { body: found.body, digest: found.digest, provider: found.provider, model: found.model, costUsd: found.costUsd }).toEqual({
          body: row.body,
          digest: row.digest,
          provider: row.provider,
          model: row.model,
          costUsd: row.costUsd,
        });
      }
    });

    test("a key written twice in one batch keeps the later answer; a later batch replaces it", async () => {
      const key = `test-${crypto.randomUUID()}`;
      await upsertCachedAnswers(handle.db, [write("first", { key }), write("second", { key, costUsd: 2 })]);
      expect((await findCachedAnswer(handle.db, key))?.body).toBe("second");
      await upsertCachedAnswers(handle.db, [write("third", { key, costUsd: 3 })]);
      const found = await findCachedAnswer(handle.db, key);
      expect({ body: found?.body, costUsd: found?.costUsd }).toEqual({ body: "third", costUsd: 3 });
    });
  });
}
