import type { ChatCompletion } from "../chat/types";
import type { RequestKey } from "./request-key";

/** What the response cache (response-cache.ts) is set with, gives, takes and counts. */

export interface ResponseCacheSettings {
  ttlSeconds: number;
  maxEntries: number;
  maxBytes: number;
}

/** An answer found in the cache: a fresh copy, free to hand to a door. */
export interface CachedAnswer {
  completion: ChatCompletion;
  provider: string;
  model: string;
  /** What the answer cost when it was made. */
  costUsd: number;
  /** The entry it came from: its key and the digest of the request it answers (the fast path remembers both, fast-hit-memo.ts). */
  key: string;
  digest: string;
}

export interface AnswerToStore {
  key: RequestKey;
  completion: ChatCompletion;
  provider: string;
  model: string;
  costUsd: number;
}


export interface CacheCounters {
  hits: number;
  misses: number;
  bypasses: number;
  stores: number;
  /** Hits served from the shared table (the others came from this process's memory). */
  tableHits: number;
  /** A key matched but the stored request's digest did not (a hash collision): served as a miss. */
  digestMismatches: number;
  readErrors: number;
  writeErrors: number;
  syncErrors: number;
  /** Writes dropped because too many were waiting for the database. */
  droppedWrites: number;
  /** Requests the key could not be built for (served without the cache). */
  keyErrors: number;
  /** Answers forgotten because a user rated them bad. */
  evictions: number;
}

export function newCacheCounters(): CacheCounters {
  return { hits: 0, misses: 0, bypasses: 0, stores: 0, tableHits: 0, digestMismatches: 0, readErrors: 0, writeErrors: 0, syncErrors: 0, droppedWrites: 0, keyErrors: 0, evictions: 0 };
}
