import { LruCache } from "./lru-cache";

/**
 * The cache's fast path (doors/fast-hit.ts): for each request body the slow path answered from
 * the cache, exactly those bytes, what the door made of them (`prepared`: validated, translated)
 * and the cache entry that answered. The same bytes again are answered from that entry without
 * parsing, validating or keying the request. Never a false hit: the slot is found by a 64-bit hash,
 * then the whole body is compared byte for byte, and the entry must still hold the same request
 * digest (ResponseCache.memoryHit).
 *
 * Bounded like the answers' LRU, by CACHE_MAX_ENTRIES and CACHE_MAX_BYTES. A slot is charged
 * SLOT_BYTES_PER_BODY_BYTE × its body plus SLOT_OVERHEAD_BYTES: the body and the parsed request kept
 * beside it (measured: 1 KB of JSON parses to ~4.4 KB of objects, 44 KB to ~47 KB; a door that
 * translates keeps the client's body and its translation).
 */
const SLOT_BYTES_PER_BODY_BYTE = 3;
const SLOT_OVERHEAD_BYTES = 4096;

/** A remembered hit: what the door made of the body, and the cache entry (key, request digest) that answered it. */
export interface RememberedHit<T> {
  prepared: T;
  key: string;
  digest: string;
}

interface Slot<T> extends RememberedHit<T> {
  body: Uint8Array;
  /** What else the door's work read (a header), which must be the same for the slot to serve. */
  variant: string;
}

export class HitMemo<T> {
  private readonly slots: LruCache<Slot<T>>;

  constructor(maxEntries: number, maxBytes: number) {
    this.slots = new LruCache(maxEntries, maxBytes);
  }

  find(door: string, variant: string, body: Uint8Array): RememberedHit<T> | undefined {
    const slot = this.slots.get(slotKey(door, body));
    if (!slot || slot.variant !== variant || !sameBytes(slot.body, body)) return undefined;
    return slot;
  }

  remember(door: string, variant: string, body: Uint8Array, hit: RememberedHit<T>): void {
    this.slots.set(slotKey(door, body), { ...hit, body, variant }, body.byteLength * SLOT_BYTES_PER_BODY_BYTE + SLOT_OVERHEAD_BYTES);
  }

  /** Drops the slot of a body whose entry is gone (expired, evicted, replaced), so it stops costing a lookup. */
  forget(door: string, body: Uint8Array): void {
    this.slots.delete(slotKey(door, body));
  }

  get size(): number {
    return this.slots.size;
  }

  get bytes(): number {
    return this.slots.bytes;
  }
}

function slotKey(door: string, body: Uint8Array): string {
  return `${door} ${body.byteLength} ${Bun.hash.xxHash3(body).toString(36)}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
