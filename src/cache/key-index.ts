import { OldestKeys } from "./oldest-keys";

/**
 * The keys the shared cache table holds, in memory, so a miss never waits for the database: only a
 * key the index knows is looked up there. Every instance adds its own writes at once and picks up
 * the others' by polling the table for keys newer than its last poll (ResponseCache does that), so
 * an answer stored by another instance is found here within one poll interval.
 *
 * Bounded: past `limit` keys the oldest are dropped. A dropped key only costs a hit (the request
 * goes upstream as on a miss), never a wrong answer.
 *
 * A key is held as a number, its first 52 bits (keys are hex: request-key.ts), not as its string:
 * 200,000 string keys took ~25 MiB of heap and ~46 MiB of RSS, numbers a fraction of that. Two
 * keys sharing 52 bits only cost a lookup in the table, which finds no row for the other one.
 */
export class KeyIndex {
  /** key's fingerprint → expiry, milliseconds since the epoch; insertion order is age. */
  private readonly keys = new Map<number, number>();
  private readonly oldest = new OldestKeys(this.keys);

  constructor(private readonly limit: number) {}

  has(key: string, now = Date.now()): boolean {
    const fingerprint = fingerprintOf(key);
    const expiresAt = this.keys.get(fingerprint);
    if (expiresAt === undefined) return false;
    if (expiresAt > now) return true;
    this.keys.delete(fingerprint);
    return false;
  }

  add(key: string, expiresAt: number): void {
    const fingerprint = fingerprintOf(key);
    // Re-inserted, so a rewritten key counts as new.
    this.keys.delete(fingerprint);
    this.keys.set(fingerprint, expiresAt);
    while (this.keys.size > this.limit) this.keys.delete(this.oldest.next()!);
  }

  delete(key: string): void {
    this.keys.delete(fingerprintOf(key));
  }

  /** Drops expired keys; returns how many. */
  prune(now = Date.now()): number {
    let dropped = 0;
    for (const [key, expiresAt] of this.keys) {
      if (expiresAt > now) continue;
      this.keys.delete(key);
      dropped++;
    }
    return dropped;
  }

  get size(): number {
    return this.keys.size;
  }
}

/** The key's first 13 hex digits (52 bits, exact in a double); any other text by its own hash. */
function fingerprintOf(key: string): number {
  if (HEX_PREFIX.test(key)) return Number.parseInt(key.slice(0, 13), 16);
  return Number(Bun.hash.wyhash(key) & 0xfffffffffffffn);
}

const HEX_PREFIX = /^[0-9a-f]{13}/;
