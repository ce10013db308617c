/**
 * One slice of a budget scope's room that this instance reserved in the database: a reservation
 * row of its own, renewed with the instance's other reservations, so it expires with them if the
 * process dies. Requests hold their worst case against it in memory. What a finished request
 * spent is written with the lease's id, which moves that much from the lease row to the spend in
 * one statement: the database's spent + reserved for the scope does not change while the lease
 * serves requests, and the lease can never hand out more than the database reserved for it.
 * Once retired (period over, limit changed, room short, idle, closing) it grants nothing; its free
 * room is given back at once, and the row is deleted when its last request's spend is written.
 */
export class BudgetLease {
  /** What the row reserved, less what was given back. */
  private grantedUsd: number;
  private heldUsd = 0;
  /** What finished requests spent, written to the database or not. */
  private consumedUsd = 0;
  private inFlight = 0;
  /** Spend entries of this lease not written yet. */
  private unwritten = 0;
  /** Free room retired but not yet given back to the database (a failed give-back is retried). */
  owedBackUsd = 0;
  retired = false;
  lastUsedAt: number;

  constructor(
    readonly id: string,
    readonly scope: string,
    readonly sizeUsd: number,
    readonly dayStart: Date,
    readonly monthStart: Date,
    /** When the earliest period it was taken in ends, or its day (its spend's day) if sooner: no grant after that. */
    readonly endsAt: number,
    now: number,
  ) {
    this.grantedUsd = sizeUsd;
    this.lastUsedAt = now;
  }

  get freeUsd(): number {
    return this.grantedUsd - this.consumedUsd - this.heldUsd;
  }

  canHold(amountUsd: number, now: number): boolean {
    return !this.retired && now < this.endsAt && amountUsd <= this.freeUsd;
  }

  hold(amountUsd: number, now: number): void {
    this.heldUsd += amountUsd;
    this.inFlight++;
    this.lastUsedAt = now;
  }

  /** A request held `heldUsd` ended having spent `spentUsd` (written later with the lease's id when above 0). */
  finish(heldUsd: number, spentUsd: number): void {
    this.heldUsd -= heldUsd;
    this.inFlight--;
    this.consumedUsd += spentUsd;
    if (spentUsd > 0) this.unwritten++;
  }

  /** `entries` of its requests' spend entries (one per request that spent something) reached the database. */
  written(entries: number): void {
    this.unwritten -= entries;
  }

  /** Stops grants; what was free is now owed back to the database. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    const free = Math.max(0, this.freeUsd);
    this.grantedUsd -= free;
    this.owedBackUsd += free;
  }

  /** Retired, with no request in flight and all its spend written: the row holds nothing needed and goes. */
  get drained(): boolean {
    return this.retired && this.inFlight === 0 && this.unwritten === 0;
  }
}
