/**
 * The keys the shared cache table holds, in memory, so a miss never waits for the database: only a
 * key the index knows is looked up there. Every instance adds its own writes at once and picks up
 * the others' by polling the table for keys newer than its last poll (ResponseCache does that), so
 * an answer stored by another instance is found here within one poll interval.
 *
 * Bounded: past `limit` keys the oldest are dropped. A dropped key only costs a hit (the request
 * goes upstream as on a miss), never a wrong answer.
 */
export class KeyIndex {
  /** key → expiry, milliseconds since the epoch; insertion order is age. */
  private readonly keys = new Map<string, number>();

  constructor(private readonly limit: number) {}

  has(key: string, now = Date.now()): boolean {
    const expiresAt = this.keys.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt > now) return true;
    this.keys.delete(key);
    return false;
  }

  add(key: string, expiresAt: number): void {
    // Re-inserted, so a rewritten key counts as new.
    this.keys.delete(key);
    this.keys.set(key, expiresAt);
    while (this.keys.size > this.limit) this.keys.delete(this.keys.keys().next().value as string);
  }

  delete(key: string): void {
    this.keys.delete(key);
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
