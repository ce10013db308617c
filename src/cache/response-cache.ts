import type { ChatCompletion } from "../chat/types";
import { type CacheWrite, deleteExpiredCachedAnswers, evictCachedAnswer, findCachedAnswer, listCacheKeysSince, upsertCachedAnswers } from "../db/cache-queries";
import type { Database } from "../db/client";
import type { Logger } from "../logger";
import { CacheWriter } from "./cache-writer";
import { KeyIndex } from "./key-index";
import { LruCache } from "./lru-cache";
import { type AnswerToStore, type CacheCounters, type CachedAnswer, type ResponseCacheSettings, newCacheCounters } from "./cache-types";
import { type RequestKey, requestDigest } from "./request-key";
import { driverMessage } from "../db/driver-message";

interface Entry {
  body: string;
  digest: string;
  provider: string;
  model: string;
  costUsd: number;
  expiresAt: number;
}

/** How often each instance picks up the keys other instances wrote. */
const SYNC_INTERVAL_MS = 1_000;
const PRUNE_INTERVAL_MS = 60_000;
const WRITE_DELAY_MS = 200;
/** Keys the index holds at most (about 100 bytes each). */
const INDEX_LIMIT = 200_000;

/**
 * The exact-match response cache: complete answers by request key, in a PostgreSQL table that
 * every instance on the database shares, with an in-process LRU in front (bounded by entries and
 * bytes) and an index of the table's keys, so that a miss is answered from memory alone. Reads and
 * writes that fail are logged and counted, never thrown: a broken cache is a cache that misses.
 */
export class ResponseCache {
  readonly counters: CacheCounters = newCacheCounters();
  private readonly memory: LruCache<Entry>;
  private readonly index = new KeyIndex(INDEX_LIMIT);
  private readonly writer: CacheWriter;
  /** The database's snapshot at the last key sync (cache-queries.ts): the next one lists what it could not see. */
  private syncedSnapshot: string | undefined;
  /**
   * This instance's cache writes (their transactions' ids) since the last key sync began: their
   * keys are in the index already (store), so the next sync leaves them out. One that commits
   * after a sync's snapshot without being left out is only added again, as any other key.
   */
  private ownWrites: string[] = [];
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private syncing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly db: Database,
    readonly settings: ResponseCacheSettings,
    private readonly logger: Logger,
  ) {
    this.memory = new LruCache(settings.maxEntries, settings.maxBytes);
    this.writer = new CacheWriter({
      write: async (rows) => {
        const xid = await upsertCachedAnswers(db, rows);
        if (xid !== undefined) this.ownWrites.push(xid);
      },
      onFailure: (rows, error) => {
        this.counters.writeErrors++;
        for (const row of rows) this.index.delete(row.key);
        logger.error("response cache write failed; the answers stay in this process only", { answers: rows.length, error: driverMessage(error) });
      },
      delayMs: WRITE_DELAY_MS,
      maxPendingBytes: Math.max(settings.maxBytes, 1024 * 1024),
    });
  }

  /** Loads the table's live keys and starts the background work: key sync and pruning. */
  async start(): Promise<void> {
    await this.sync();
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => void task(), ms);
      timer.unref?.();
      this.timers.push(timer);
    };
    every(SYNC_INTERVAL_MS, () => this.sync());
    every(PRUNE_INTERVAL_MS, () => this.prune());
  }

  /** The answer for a request key, or undefined; a lookup that fails counts as a miss. */
  async lookup(key: RequestKey): Promise<CachedAnswer | undefined> {
    const now = Date.now();
    let entry = this.memory.get(key.key);
    if (entry && entry.expiresAt <= now) {
      this.memory.delete(key.key);
      entry = undefined;
    }
    if (!entry && this.index.has(key.key, now)) entry = await this.read(key.key);
    if (entry && entry.digest !== requestDigest(key)) {
      this.counters.digestMismatches++;
      entry = undefined;
    }
    const answer = entry && this.answer(key.key, entry);
    if (!answer) this.counters.misses++;
    return answer;
  }

  /**
   * The answer this process holds in memory for a key whose request digest the caller has already
   * matched (the fast path: the same bytes were answered from this entry before), counted as a hit.
   * Undefined, and nothing counted, when it is not in memory, has expired, or is another request's:
   * the caller then goes the slow way (lookup), which counts, drops what expired, and reads the table.
   */
  memoryHit(key: string, digest: string): CachedAnswer | undefined {
    const entry = this.memory.get(key);
    if (!entry || entry.expiresAt <= Date.now() || entry.digest !== digest) return undefined;
    return this.answer(key, entry);
  }

  /** A found entry as a fresh answer, counted as a hit; undefined (counted as a miss by the caller) when its body is damaged. */
  private answer(key: string, entry: Entry): CachedAnswer | undefined {
    const completion = this.parse(key, entry);
    if (!completion) return undefined;
    this.counters.hits++;
    return { completion, provider: entry.provider, model: entry.model, costUsd: entry.costUsd, key, digest: entry.digest };
  }

  /** A key the stage could not build (a request it cannot walk): counted, and the request goes on uncached. */
  countKeyError(error: unknown): void {
    this.counters.keyErrors++;
    this.logger.error("response cache could not key the request; it goes on without the cache", { error: String(error) });
  }

  /** A stored body that is not JSON (a damaged row) is dropped and counted, and served as a miss. */
  private parse(key: string, entry: Entry): ChatCompletion | undefined {
    try {
      return JSON.parse(entry.body) as ChatCompletion;
    } catch (error) {
      this.counters.readErrors++;
      // Forgotten here too, so the broken row is not read again on every request for it.
      this.memory.delete(key);
      this.index.delete(key);
      this.logger.error("response cache found an answer it cannot read; serving the request as a miss", { error: String(error) });
      return undefined;
    }
  }

  countBypass(): void {
    this.counters.bypasses++;
  }

  /** Keeps a complete answer: in memory at once, in the shared table within WRITE_DELAY_MS. */
  store(answer: AnswerToStore): void {
    // An answer that finished while the proxy shut down is not worth a write to a closing database.
    if (this.closed) return;
    const body = JSON.stringify(answer.completion);
    const bytes = Buffer.byteLength(body);
    const entry: Entry = {
      body,
      digest: requestDigest(answer.key),
      provider: answer.provider,
      model: answer.model,
      costUsd: answer.costUsd,
      expiresAt: Date.now() + this.settings.ttlSeconds * 1000,
    };
    this.memory.set(answer.key.key, entry, bytes);
    this.index.add(answer.key.key, entry.expiresAt);
    this.counters.stores++;
    const write: CacheWrite = { key: answer.key.key, digest: entry.digest, provider: entry.provider, model: entry.model, costUsd: entry.costUsd, bytes, body, ttlSeconds: this.settings.ttlSeconds };
    if (!this.writer.enqueue(write)) this.counters.droppedWrites++;
  }

  /**
   * Forgets the answer stored under a key (a user rated it bad): from this process's memory and
   * index at once, from its queued writes, and from the shared table, whose change every other
   * instance's next key sync drops from its memory. True when the table held a live answer for it.
   */
  async evict(key: string): Promise<boolean> {
    this.memory.delete(key);
    this.index.delete(key);
    this.counters.evictions++;
    await this.writer.discard(key);
    try {
      const xid = await evictCachedAnswer(this.db, key);
      // Its own sync need not list the key as gone: it is gone here already.
      if (xid !== undefined) this.ownWrites.push(xid);
      return xid !== undefined;
    } catch (error) {
      this.counters.writeErrors++;
      this.logger.error("response cache could not evict an answer from the database; other instances may serve it until it expires", { error: driverMessage(error) });
      return false;
    }
  }

  stats() {
    const { hits, misses } = this.counters;
    return {
      ...this.counters,
      hitRate: hits + misses > 0 ? hits / (hits + misses) : null,
      memoryEntries: this.memory.size,
      memoryBytes: this.memory.bytes,
      indexedKeys: this.index.size,
      pendingWrites: this.writer.size,
    };
  }

  /** Writes what is queued and stops the background work. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.syncing;
    await this.writer.flush();
  }

  private async read(key: string): Promise<Entry | undefined> {
    try {
      const row = await findCachedAnswer(this.db, key);
      if (!row) {
        this.index.delete(key);
        return undefined;
      }
      const entry: Entry = { body: row.body, digest: row.digest, provider: row.provider, model: row.model, costUsd: row.costUsd, expiresAt: row.expiresAt };
      this.memory.set(key, entry, Buffer.byteLength(row.body));
      this.counters.tableHits++;
      return entry;
    } catch (error) {
      this.counters.readErrors++;
      this.logger.error("response cache read failed; serving the request as a miss", { error: driverMessage(error) });
      return undefined;
    }
  }

  /** Adds the keys written since the last sync, by any instance, to the index. */
  private sync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        // Writes done before this sync began are visible to its snapshot: no later sync lists them.
        const done = this.ownWrites.length;
        const { snapshot, keys, gone } = await listCacheKeysSince(this.db, this.syncedSnapshot, INDEX_LIMIT, this.ownWrites.slice(0, done));
        // Newest first from the database; oldest first into the index, so the bound drops the oldest.
        for (let index = keys.length - 1; index >= 0; index--) this.index.add(keys[index]!.key, keys[index]!.expiresAt);
        // Answers evicted by any instance (a bad rating): no copy of them is served from here either.
        for (const key of gone) {
          this.memory.delete(key);
          this.index.delete(key);
        }
        this.syncedSnapshot = snapshot;
        this.ownWrites.splice(0, done);
      } catch (error) {
        this.counters.syncErrors++;
        if (this.counters.syncErrors === 1 || this.counters.syncErrors % 60 === 0) {
          this.logger.error("response cache could not read new keys from the database", { failures: this.counters.syncErrors, error: driverMessage(error) });
        }
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private async prune(): Promise<void> {
    this.index.prune();
    try {
      const removed = await deleteExpiredCachedAnswers(this.db);
      if (removed > 0) this.logger.debug("response cache pruned expired answers", { removed });
    } catch (error) {
      this.logger.warn("response cache could not prune expired answers", { error: driverMessage(error) });
    }
  }
}
