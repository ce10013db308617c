import { driverMessage } from "../db/driver-message";
import type { Logger } from "../logger";
import { BudgetLease } from "./budget-lease";
import type { BudgetUsage } from "./budget-types";
import { LEASE_MIN_REQUESTS_PER_SECOND, leaseSizeUsd, nextTypicalUsd, TOP_UP_BELOW_SHARE } from "./lease-policy";

/**
 * This instance's budget leases (budget-lease.ts), per scope: requests are held on them in memory
 * while the budgets have plenty of room (lease-policy.ts), so a request makes no database round
 * trip for its reservation. The next lease is taken in the background before the newest one runs
 * out, one lease request at a time; a request that finds no lease with room is reserved exactly in
 * the database, as every request is near a limit. Leases are retired, and their free room given
 * back, when their period ends, when a limit of their scope changes or the room runs short (seen
 * at the next review, every few seconds, or at once for a change made on this instance), when
 * idle, and on close.
 */
export interface LeaseStore {
  /** Reserves `amountUsd` on `scope` as one reservation row (all limits checked, as for a request). */
  take(scope: string, amountUsd: number): Promise<{ id: string; granted: boolean; usage: BudgetUsage[]; dayStart?: Date; monthStart?: Date; dayEnd?: Date }>;
  /** Lowers the lease row by `amountUsd`. */
  giveBack(id: string, scope: string, amountUsd: number): Promise<void>;
  /** Deletes the lease row. */
  drop(id: string, scope: string): Promise<void>;
}

export interface LeasePoolOptions {
  store: LeaseStore;
  /** The limited budgets as last read. */
  usage(): readonly BudgetUsage[];
  /** Fresh figures that came with a lease. */
  onUsage(usage: readonly BudgetUsage[]): void;
  logger: Logger;
  now(): number;
  /** A lease with no request for this long is given back. */
  idleMs: number;
}

/** The leases one request is held on, one per limited scope it may spend on. */
export interface LeasedHold {
  holds: Array<{ lease: BudgetLease; amountUsd: number }>;
}

export class LeasePool {
  /** Leases taken from the database, and requests held on leases, since start. */
  readonly stats = { taken: 0, grants: 0 };
  /** Per scope, the leases that grant, newest last. */
  private readonly active = new Map<string, BudgetLease[]>();
  /** Retired leases whose room or row is still to be given back. */
  private readonly retiring = new Set<BudgetLease>();
  private readonly byId = new Map<string, BudgetLease>();
  private readonly typicalUsd = new Map<string, number>();
  /** Per scope, requests in the current second: leases are for busy scopes. */
  private readonly demand = new Map<string, { since: number; count: number }>();
  private readonly wanted = new Set<string>();
  private acquiring: Promise<void> | undefined;
  /** Per lease, its give-backs in order, so two never hand back the same room. */
  private readonly givingBack = new Map<BudgetLease, Promise<void>>();
  private closed = false;

  constructor(private readonly options: LeasePoolOptions) {}

  /** Holds each amount (scope → USD) on a lease of its scope, or nothing when any scope has no lease with room. */
  tryHold(amounts: ReadonlyMap<string, number>): LeasedHold | undefined {
    const now = this.options.now();
    const holds: LeasedHold["holds"] = [];
    for (const [scope, amountUsd] of amounts) {
      this.typicalUsd.set(scope, nextTypicalUsd(this.typicalUsd.get(scope), amountUsd));
      const lease = this.pick(scope, amountUsd, now);
      if (lease) holds.push({ lease, amountUsd });
      else if (this.busy(scope, now)) this.want(scope);
    }
    if (holds.length !== amounts.size) return undefined;
    for (const { lease, amountUsd } of holds) {
      lease.hold(amountUsd, now);
      if (lease.freeUsd < TOP_UP_BELOW_SHARE * lease.sizeUsd) this.want(lease.scope);
    }
    this.stats.grants++;
    return { holds };
  }

  /** A held request ended; `spentOn(scope)` is what it spent on each scope (written later with the lease's id). */
  finish(hold: LeasedHold, spentOn: (scope: string) => number): void {
    for (const { lease, amountUsd } of hold.holds) {
      lease.finish(amountUsd, spentOn(lease.scope));
      if (lease.drained) this.giveBack(lease);
    }
  }

  /** The spend of these leases reached the database: `entries` of each one's requests' entries. */
  written(spends: ReadonlyArray<{ leaseId: string; entries: number }>): void {
    for (const { leaseId, entries } of spends) {
      const lease = this.byId.get(leaseId);
      if (!lease) continue;
      lease.written(entries);
      if (lease.drained) this.giveBack(lease);
    }
  }

  /**
   * After fresh figures: retires leases whose limits changed, whose period ended, that sat idle,
   * or whose scope is now short of room, and retries give-backs that failed.
   */
  review(changedScopes: ReadonlySet<string>): void {
    const now = this.options.now();
    for (const [scope, leases] of this.active) {
      const short = leaseSizeUsd(this.options.usage(), scope, this.typicalUsd.get(scope), this.ownFreeUsd(scope)) <= 0;
      for (const lease of [...leases]) {
        if (short || changedScopes.has(scope) || now >= lease.endsAt || now - lease.lastUsedAt >= this.options.idleMs) this.retire(lease);
      }
    }
    for (const lease of this.retiring) this.giveBack(lease);
  }

  /**
   * Retires the leases of these scopes and gives their free room back; whether there was any.
   * Room retired earlier and still owed counts too: its give-back may be in flight for another
   * request refused a moment before, or have failed (tried again here), and this request waits
   * for it as well rather than being refused while the room is on its way back.
   */
  async returnRoom(scopes: Iterable<string>): Promise<boolean> {
    const wanted = new Set(scopes);
    for (const scope of wanted) for (const lease of [...(this.active.get(scope) ?? [])]) this.retire(lease);
    const returned: BudgetLease[] = [];
    for (const lease of this.retiring) {
      // owedBackUsd drops only once a give-back succeeded.
      if (!wanted.has(lease.scope) || lease.owedBackUsd <= 0) continue;
      if (!this.givingBack.has(lease)) this.giveBack(lease);
      returned.push(lease);
    }
    await Promise.all(returned.map((lease) => this.givingBack.get(lease)));
    return returned.length > 0;
  }

  /** Gives every lease back; call after the last spend is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.acquiring;
    for (const leases of this.active.values()) for (const lease of [...leases]) this.retire(lease);
    for (const lease of this.retiring) this.giveBack(lease);
    await Promise.all(this.givingBack.values());
  }

  /** The lease of `scope` that can hold `amountUsd`, oldest first, retiring those past their period or nearly spent. */
  private pick(scope: string, amountUsd: number, now: number): BudgetLease | undefined {
    const leases = this.active.get(scope);
    if (!leases) return undefined;
    const typical = this.typicalUsd.get(scope) ?? amountUsd;
    // retire() replaces the scope's list, so this one can be walked as it was.
    for (const lease of leases) {
      if (lease.canHold(amountUsd, now)) return lease;
      const newest = lease === leases.at(-1);
      if (now >= lease.endsAt || (!newest && lease.freeUsd < typical)) this.retire(lease);
    }
    return undefined;
  }

  private busy(scope: string, now: number): boolean {
    const seen = this.demand.get(scope);
    if (!seen || now - seen.since >= 1_000) {
      this.demand.set(scope, { since: now, count: 1 });
      return LEASE_MIN_REQUESTS_PER_SECOND <= 1;
    }
    seen.count++;
    return seen.count >= LEASE_MIN_REQUESTS_PER_SECOND;
  }

  private ownFreeUsd(scope: string): number {
    return (this.active.get(scope) ?? []).reduce((sum, lease) => sum + Math.max(0, lease.freeUsd), 0);
  }

  private want(scope: string): void {
    if (this.closed) return;
    this.wanted.add(scope);
    this.acquiring ??= this.acquireWanted().finally(() => {
      this.acquiring = undefined;
      if (this.wanted.size > 0 && !this.closed) this.want([...this.wanted][0]!);
    });
  }

  /** Takes the wanted leases one after another: never more than one lease request in flight. */
  private async acquireWanted(): Promise<void> {
    for (const scope of this.wanted) {
      this.wanted.delete(scope);
      if (this.closed) return;
      const newest = this.active.get(scope)?.at(-1);
      if (newest && newest.canHold(0, this.options.now()) && newest.freeUsd >= TOP_UP_BELOW_SHARE * newest.sizeUsd) continue;
      const size = leaseSizeUsd(this.options.usage(), scope, this.typicalUsd.get(scope), this.ownFreeUsd(scope));
      if (size > 0) await this.take(scope, size);
    }
  }

  private async take(scope: string, sizeUsd: number): Promise<void> {
    try {
      const result = await this.options.store.take(scope, sizeUsd);
      this.options.onUsage(result.usage);
      if (!result.granted) return;
      // Its spend is written to its dayStart's day: it stops at the day's end even with no daily limit.
      const ends = [...result.usage.map((budget) => budget.resetsAt.getTime()), result.dayEnd?.getTime() ?? Number.POSITIVE_INFINITY];
      const now = this.options.now();
      const lease = new BudgetLease(result.id, scope, sizeUsd, result.dayStart ?? new Date(now), result.monthStart ?? new Date(now), Math.min(...ends), now);
      this.byId.set(lease.id, lease);
      this.stats.taken++;
      // Closed meanwhile, or the scope's limit went away: the row is not needed.
      if (this.closed || !result.usage.some((budget) => budget.scope === scope)) {
        this.retiring.add(lease);
        lease.retire();
        this.giveBack(lease);
        return;
      }
      this.active.set(scope, [...(this.active.get(scope) ?? []), lease]);
    } catch (error) {
      this.options.logger.warn("could not take a budget lease; reserving requests one by one", { scope, error: driverMessage(error) });
    }
  }

  private retire(lease: BudgetLease): void {
    const leases = this.active.get(lease.scope);
    if (leases) {
      const rest = leases.filter((other) => other !== lease);
      if (rest.length > 0) this.active.set(lease.scope, rest);
      else this.active.delete(lease.scope);
    }
    lease.retire();
    this.retiring.add(lease);
    this.giveBack(lease);
  }

  /** Queues the lease's give-back after any earlier one: a drained lease's row goes, otherwise its owed room. */
  private giveBack(lease: BudgetLease): void {
    const previous = this.givingBack.get(lease) ?? Promise.resolve();
    const next = previous.then(() => this.giveBackNow(lease));
    this.givingBack.set(lease, next);
    void next.then(() => {
      if (this.givingBack.get(lease) === next) this.givingBack.delete(lease);
    });
  }

  private async giveBackNow(lease: BudgetLease): Promise<void> {
    if (!this.retiring.has(lease)) return;
    try {
      if (lease.drained) {
        await this.options.store.drop(lease.id, lease.scope);
        this.retiring.delete(lease);
        this.byId.delete(lease.id);
        return;
      }
      const owed = lease.owedBackUsd;
      if (owed <= 0) return;
      await this.options.store.giveBack(lease.id, lease.scope, owed);
      lease.owedBackUsd -= owed;
    } catch (error) {
      // Retried at the next review; until then the room stays reserved, never overspent.
      this.options.logger.warn("could not give back a budget lease's room; will retry", { scope: lease.scope, error: driverMessage(error) });
    }
  }
}
