import { afterAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { requestKey } from "../../src/cache/request-key";
import { ResponseCache } from "../../src/cache/response-cache";
import { chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletion } from "../../src/chat/types";
import { deleteExpiredCachedAnswers, findCachedAnswer } from "../../src/db/cache-queries";
import { type Database, type DatabaseHandle, openDatabase } from "../../src/db/client";
import { createLogger, silentLogger } from "../../src/logger";
import { sharedTestDatabase, testDatabaseUrl } from "../helpers/test-database";
import { waitFor } from "../helpers/wait-for";

/**
 * The cache service on both databases: two instances on one database share answers (the second
 * finds the first's through its key index and the table), a key whose digest does not match is a
 * miss, answers expire, and a database that fails makes every lookup a miss without throwing.
 */
const settings = { ttlSeconds: 60, maxEntries: 100, maxBytes: 1024 * 1024 };
const keyFor = (text: string) => requestKey(chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: `${text} ${crypto.randomUUID()}` }] }));
const answer = (text: string): ChatCompletion => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
});
const store = (cache: ResponseCache, key: ReturnType<typeof keyFor>, text: string) => cache.store({ key, completion: answer(text), provider: "openai", model: "gpt-4o-mini", costUsd: 0.001 });

const opened: DatabaseHandle[] = [];
const caches: ResponseCache[] = [];
afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
  await Promise.all(opened.map((handle) => handle.close()));
});

async function startCache(db: Database, overrides: Partial<typeof settings> = {}) {
  const cache = new ResponseCache(db, { ...settings, ...overrides }, silentLogger);
  caches.push(cache);
  await cache.start();
  return cache;
}

const databases = [
  { name: "PGlite", skip: false, open: async () => (await sharedTestDatabase()).db },
  {
    name: "PostgreSQL",
    skip: !testDatabaseUrl,
    open: async () => {
      const handle = await openDatabase({ databaseUrl: testDatabaseUrl!, dataDir: "unused" });
      opened.push(handle);
      return handle.db;
    },
  },
];

for (const database of databases) {
  describe.skipIf(database.skip)(`response cache on ${database.name}`, () => {
    test("a second instance on the same database serves the first one's answer", async () => {
      const db = await database.open();
      const first = await startCache(db);
      const second = await startCache(db);
      const key = keyFor("shared");
      expect(await second.lookup(key)).toBeUndefined();
      store(first, key, "shared answer");
      expect((await first.lookup(key))?.completion.choices[0]!.message.content).toBe("shared answer");
      await first.close();
      // The second instance picks the key up within its poll interval, then reads the table.
      await waitFor(async () => (await second.lookup(key)) !== undefined, { timeoutMs: 15_000, intervalMs: 100, what: "the second instance to find the answer" });
      const found = await second.lookup(key);
      expect(found).toMatchObject({ provider: "openai", model: "gpt-4o-mini", costUsd: 0.001 });
      expect(found!.completion).toEqual(answer("shared answer"));
      expect(second.counters.tableHits).toBe(1);
      // Each hit is a fresh copy: a door may change it freely.
      found!.completion.choices[0]!.message.content = "changed";
      expect((await second.lookup(key))!.completion.choices[0]!.message.content).toBe("shared answer");
    });

    test("two instances that both write each find the other's answers (a sync leaves out only its own writes)", async () => {
      const db = await database.open();
      const first = await startCache(db);
      const second = await startCache(db);
      const keys = { first: [keyFor("first a"), keyFor("first b")], second: [keyFor("second a")] };
      store(first, keys.first[0]!, "first a");
      store(second, keys.second[0]!, "second a");
      // Written (after WRITE_DELAY_MS) and then a sync or two later, the other instance's keys are indexed.
      await waitFor(async () => first.stats().pendingWrites === 0 && second.stats().pendingWrites === 0, { timeoutMs: 5_000, intervalMs: 50, what: "both writes" });
      store(first, keys.first[1]!, "first b");
      await waitFor(async () => (await second.lookup(keys.first[1]!)) !== undefined, { timeoutMs: 15_000, intervalMs: 100, what: "the second instance to find the first's later answer" });
      expect((await second.lookup(keys.first[0]!))?.completion.choices[0]!.message.content).toBe("first a");
      await waitFor(async () => (await first.lookup(keys.second[0]!)) !== undefined, { timeoutMs: 15_000, intervalMs: 100, what: "the first instance to find the second's answer" });
      expect(first.counters.tableHits).toBe(1);
      expect(second.counters.tableHits).toBe(2);
    });

    test("a stored answer that is not JSON (a damaged row) is a miss, counted as a read error", async () => {
      const db = await database.open();
      const first = await startCache(db);
      const second = await startCache(db);
      const key = keyFor("damaged");
      store(first, key, "an answer about to be damaged");
      await first.close();
      await db.execute(sql`update response_cache set body = '{"choices": [' where key = ${key.key}`);
      await waitFor(async () => (await second.lookup(key), second.counters.readErrors > 0), { timeoutMs: 15_000, intervalMs: 100, what: "the second instance to read the damaged row" });
      expect(second.counters.hits).toBe(0);
      expect(second.counters.readErrors).toBe(1);
    });

    test("a key whose stored digest does not match the request is a miss", async () => {
      const cache = await startCache(await database.open());
      const key = keyFor("collision");
      store(cache, key, "answer to another request");
      // Another request under the same key, and one whose long string differs while its words
      // (and so its key) stay the same, as on a 64-bit collision of that string's hash.
      const forged = { key: key.key, canonical: keyFor("collision").canonical };
      const sameWords = { key: key.key, canonical: { words: key.canonical.words, texts: key.canonical.texts.map((text) => `${text}x`) } };
      expect(await cache.lookup(forged)).toBeUndefined();
      expect(await cache.lookup(sameWords)).toBeUndefined();
      expect(cache.counters.digestMismatches).toBe(2);
      expect(await cache.lookup(key)).toBeDefined();
    });

    test("an evicted answer (rated bad) is served by no instance: not this one, not one holding it in memory, not one started later", async () => {
      const db = await database.open();
      const first = await startCache(db);
      const second = await startCache(db);
      const key = keyFor("rated bad");
      store(first, key, "a bad answer");
      await waitFor(async () => (await second.lookup(key)) !== undefined, { timeoutMs: 15_000, intervalMs: 100, what: "the second instance to hold the answer" });
      // The second instance now serves it from its own memory, without the table.
      expect(await first.evict(key.key)).toBe(true);
      expect(await first.lookup(key)).toBeUndefined();
      expect(await findCachedAnswer(db, key.key)).toBeUndefined();
      await waitFor(async () => (await second.lookup(key)) === undefined, { timeoutMs: 5_000, intervalMs: 100, what: "the second instance to drop its copy" });
      const later = await startCache(db);
      expect(await later.lookup(key)).toBeUndefined();
      // A fresh answer under the same key is stored and served again as usual.
      store(second, key, "a better answer");
      expect((await second.lookup(key))?.completion.choices[0]!.message.content).toBe("a better answer");
      await second.close();
      expect((await findCachedAnswer(db, key.key))?.body).toContain("a better answer");
    });

    test("an answer evicted before its batched write reaches the table is not written after", async () => {
      const db = await database.open();
      const cache = await startCache(db);
      const key = keyFor("evicted while queued");
      store(cache, key, "not yet written");
      expect(await cache.evict(key.key)).toBe(false);
      await cache.close();
      expect(await findCachedAnswer(db, key.key)).toBeUndefined();
      expect(await (await startCache(db)).lookup(key)).toBeUndefined();
    });

    test("an answer expires after CACHE_TTL_SECONDS and its row is pruned", async () => {
      const db = await database.open();
      const cache = await startCache(db, { ttlSeconds: 1 });
      const key = keyFor("short-lived");
      store(cache, key, "soon gone");
      await cache.close();
      expect(await findCachedAnswer(db, key.key)).toBeDefined();
      await Bun.sleep(1_100);
      expect(await cache.lookup(key)).toBeUndefined();
      expect(await findCachedAnswer(db, key.key)).toBeUndefined();
      expect(await deleteExpiredCachedAnswers(db)).toBeGreaterThanOrEqual(1);
    });
  });
}

describe("a failing database", () => {
  test("makes lookups misses and writes fail quietly; both are counted and logged", async () => {
    const lines: string[] = [];
    const broken = { execute: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) } as unknown as Database;
    const cache = new ResponseCache(broken, { ...settings, maxEntries: 1 }, createLogger("error", (line) => lines.push(line)));
    await cache.start();
    expect(cache.counters.syncErrors).toBe(1);
    const key = keyFor("broken");
    store(cache, key, "kept in memory");
    expect(await cache.lookup(key)).toBeDefined();
    // A second answer pushes the first out of memory; the batched write of both fails.
    store(cache, keyFor("other"), "other");
    await waitFor(() => cache.counters.writeErrors === 1, { timeoutMs: 2_000, what: "the failed write" });
    // A failed write takes its keys out of the index: the table is not asked for them.
    expect(await cache.lookup(key)).toBeUndefined();
    expect(cache.counters.readErrors).toBe(0);
    // A key still waiting for its write is indexed; once out of memory, the table is asked, and fails.
    const third = keyFor("third");
    store(cache, third, "third");
    store(cache, keyFor("fourth"), "fourth");
    expect(await cache.lookup(third)).toBeUndefined();
    expect(cache.counters.readErrors).toBe(1);
    await cache.close();
    expect(lines.some((line) => line.includes("response cache read failed") && line.includes("ECONNREFUSED"))).toBe(true);
    expect(lines.some((line) => line.includes("response cache write failed"))).toBe(true);
  });
});
