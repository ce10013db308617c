import {
  applyConfiguredBudgets,
  dropLease,
  giveBackLease,
  listBudgetLimits,
  listBudgetUsage,
  type ReservationResult,
  renewBudgetReservations,
  reserveBudget,
  setBudgetLimits,
  settleBudgets,
  type SpendEntry,
} from "../db/budget-queries";
import type { Database } from "../db/client";
import { driverMessage } from "../db/driver-message";
import type { Logger } from "../logger";
import { type BudgetLimit, type BudgetUsage, GLOBAL_SCOPE } from "./budget-types";
import { LeasePool } from "./lease-pool";
import { type PendingSpend, SpendWriter } from "./spend-writer";
import type { BudgetCounters, BudgetServiceTuning, BudgetSettings, Reservation } from "./budget-service-types";
import { UnpricedModels } from "./unpriced-models";

/** How long a reservation lives without renewal: a crashed instance's reservations expire after this. */
const LEASE_SECONDS = 120;
const RENEW_INTERVAL_MS = 30_000;
const LIMITS_REFRESH_MS = 5_000;
const SPEND_WRITE_DELAY_MS = 20;
const IDLE_SPEND_WRITE_DELAY_MS = 1_000;
/** A budget lease no request used for this long is given back (seen at the next limits refresh). */
const LEASE_IDLE_MS = 10_000;

/**
 * Budgets in the database, shared by every instance on it: the limits (from the configuration at
 * start-up, then PUT /api/budgets), what each period spent, and the reservations of requests in
 * flight. Each instance keeps the list of limits in memory (re-read every few seconds) to skip the
 * check when there is none. While a budget has plenty of room, requests are held on a lease this
 * instance took from it (lease-pool.ts), with no round trip; otherwise the check is one statement
 * in the database.
 */
export class BudgetService {
  /** This process: the owner of the reservations it renews. */
  readonly instanceId = crypto.randomUUID();
  readonly counters: BudgetCounters = { reservations: 0, settlements: 0, releases: 0, blocked: 0, downgraded: 0 };
  /** Requests of models without a price that a budget covered and could not count. */
  readonly unpriced = new UnpricedModels();
  private limits: BudgetLimit[] = [];
  /** The scopes of `limits`, made when the limits are read rather than for every request. */
  private scopes: ReadonlySet<string> = new Set();
  /** Every limited budget as last read (at most LIMITS_REFRESH_MS old, fresher after a reservation), for /metrics. */
  private usageSnapshot: BudgetUsage[] = [];
  private readonly spend: SpendWriter;
  private readonly leases: LeasePool;
  private readonly leaseSeconds: number;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private closed = false;

  constructor(
    private readonly db: Database,
    readonly settings: BudgetSettings,
    private readonly logger: Logger,
    tuning: BudgetServiceTuning = {},
  ) {
    this.leaseSeconds = tuning.leaseSeconds ?? LEASE_SECONDS;
    this.spend = new SpendWriter({ write: (entries) => this.writeSpend(entries), logger, delayMs: SPEND_WRITE_DELAY_MS, idleDelayMs: IDLE_SPEND_WRITE_DELAY_MS });
    this.leases = new LeasePool({
      store: {
        take: async (scope, amountUsd) => {
          const id = crypto.randomUUID();
          return { id, ...(await this.reserveRow(id, new Map([[scope, amountUsd]]))) };
        },
        giveBack: (id, scope, amountUsd) => giveBackLease(db, id, scope, amountUsd),
        drop: (id, scope) => dropLease(db, id, scope),
      },
      usage: () => this.usageSnapshot,
      onUsage: (usage) => this.mergeUsage(usage),
      logger,
      now: tuning.now ?? Date.now,
      idleMs: LEASE_IDLE_MS,
    });
  }

  /** Applies the configured budgets, loads the limits, and starts lease renewal and limit refresh. */
  async start(): Promise<void> {
    await applyConfiguredBudgets(this.db, this.settings.configured);
    await this.refreshLimits();
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => void task(), ms);
      timer.unref?.();
      this.timers.push(timer);
    };
    every(LIMITS_REFRESH_MS, () => this.refreshLimits());
    every(RENEW_INTERVAL_MS, () => this.renew());
  }

  /** Whether any budget limits spending now. */
  get active(): boolean {
    return this.limits.length > 0;
  }

  /** Whether a budget limits spending on this provider (its own, or the global one). */
  covers(provider: string): boolean {
    return this.scopes.has(GLOBAL_SCOPE) || this.scopes.has(provider);
  }

  /** Scopes that have a limit: a reservation is only worth making against these. */
  limitedScopes(): ReadonlySet<string> {
    return this.scopes;
  }

  /**
   * Reserves `amounts` (scope → USD) against every limit of those scopes: on this instance's
   * leases when they have room, else in one atomic statement in the database. A refusal there
   * while this instance holds room no request needs (freeOwnRoom) frees it and asks again, so
   * neither a lease nor a finished request's unwritten release refuses a request on its own
   * instance.
   */
  async reserve(amounts: ReadonlyMap<string, number>): Promise<ReservationResult & { reservation?: Reservation }> {
    const leased = this.leases.tryHold(amounts);
    if (leased) {
      this.counters.reservations++;
      return { granted: true, usage: [...this.usageSnapshot], reservation: { leased } };
    }
    let id = crypto.randomUUID();
    let result = await this.reserveRow(id, amounts);
    if (!result.granted && (await this.freeOwnRoom(amounts.keys()))) {
      id = crypto.randomUUID();
      result = await this.reserveRow(id, amounts);
    }
    if (result.granted) this.counters.reservations++;
    return result.granted ? { ...result, reservation: { id, dayStart: result.dayStart, monthStart: result.monthStart, amounts, grantedWith: result.usage } } : result;
  }

  /**
   * Room this instance holds in the database that no request needs any more: free room of its
   * leases (given back), and holds of requests that ended whose release still waits in the spend
   * batch (written now, so a request sent straight after another sees only what that one cost).
   * Whether there was any, and so whether asking again can help.
   */
  private async freeOwnRoom(scopes: Iterable<string>): Promise<boolean> {
    const releasing = this.spend.releasing;
    const [returned] = await Promise.all([this.leases.returnRoom(scopes), releasing ? this.spend.flush() : undefined]);
    return returned || releasing;
  }

  /** Leases taken from the database, and requests held on leases, since start. */
  get leaseStats(): { readonly taken: number; readonly grants: number } {
    return this.leases.stats;
  }

  /**
   * What a finished request spent (on the global budget and its provider's), releasing its
   * reservation. Recorded for every request, limited or not, so a budget set later starts from
   * the true spend of its period.
   */
  settle(input: { reservation?: Reservation; provider?: string; costUsd: number; at: Date }): void {
    // After close the database is going away; a reservation left now expires with its lease.
    if (this.closed || (!input.reservation && input.costUsd <= 0)) return;
    const reservation = input.reservation;
    const spentOn = (scope: string) => (scope === GLOBAL_SCOPE || scope === input.provider ? input.costUsd : 0);
    const entry = (scope: string): SpendEntry => {
      const lease = reservation?.leased?.holds.find((hold) => hold.lease.scope === scope)?.lease;
      const dayStart = reservation?.dayStart ?? lease?.dayStart ?? null;
      const monthStart = reservation?.monthStart ?? lease?.monthStart ?? null;
      return { reservationId: reservation?.id ?? null, leaseId: lease?.id ?? null, scope, amountUsd: spentOn(scope), dayStart, monthStart, at: input.at };
    };
    const entries = [entry(GLOBAL_SCOPE)];
    if (input.provider && input.costUsd > 0) entries.push(entry(input.provider));
    if (reservation?.leased) this.leases.finish(reservation.leased, spentOn);
    if (reservation?.id) this.releaseInSnapshot(reservation, spentOn);
    if (reservation) this.counters[input.costUsd > 0 ? "settlements" : "releases"]++;
    this.spend.add(entries);
  }

  /** Every budget in its current period, for GET /api/budgets. */
  usage() {
    return listBudgetUsage(this.db, this.settings.timeZone);
  }

  /** The limited budgets as last read: limit, spent and held, per scope and period. */
  snapshot(): readonly BudgetUsage[] {
    return this.usageSnapshot;
  }

  /** Sets or removes limits (PUT /api/budgets); this instance sees them at once, others within seconds. */
  async setLimits(limits: readonly BudgetLimit[]): Promise<void> {
    await setBudgetLimits(this.db, limits);
    await this.refreshLimits();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.spend.flush();
    await this.leases.close();
  }

  private async reserveRow(id: string, amounts: ReadonlyMap<string, number>): Promise<ReservationResult> {
    const result = await reserveBudget(this.db, { id, instanceId: this.instanceId, amounts, timeZone: this.settings.timeZone, leaseSeconds: this.leaseSeconds });
    this.mergeUsage(result.usage);
    return result;
  }

  /** A batch of spend reached the database: the leases it came from learn so (a drained one can go). */
  private async writeSpend(entries: readonly PendingSpend[]): Promise<void> {
    await settleBudgets(this.db, entries, this.settings.timeZone);
    this.leases.written(entries.flatMap((entry) => (entry.leaseId && entry.spentEntries > 0 ? [{ leaseId: entry.leaseId, entries: entry.spentEntries }] : [])));
  }

  private async refreshLimits(): Promise<void> {
    const changed = new Set<string>();
    try {
      const before = this.limits;
      this.limits = await listBudgetLimits(this.db);
      this.scopes = new Set(this.limits.map((limit) => limit.scope));
      for (const scope of changedScopes(before, this.limits)) changed.add(scope);
      // Only worth a query when something is limited; it keeps the /metrics gauges current.
      this.usageSnapshot = this.limits.length > 0 ? limitedUsage(await listBudgetUsage(this.db, this.settings.timeZone)) : [];
    } catch (error) {
      this.logger.warn("could not re-read the budget limits; keeping the last ones", { error: driverMessage(error) });
    }
    this.leases.review(changed);
  }

  /**
   * The figures of this instance show a finished request's hold replaced by its cost at once; the
   * database's follow with the spend batch. Only where the figures are still those its own grant
   * returned: any others may have been read without its hold, and must not show more room than
   * there is.
   */
  private releaseInSnapshot(reservation: Reservation, spentOn: (scope: string) => number): void {
    const own = new Set(reservation.grantedWith);
    this.usageSnapshot = this.usageSnapshot.map((budget) => {
      const held = reservation.amounts?.get(budget.scope);
      if (held === undefined || !own.has(budget)) return budget;
      return { ...budget, reservedUsd: Math.max(0, budget.reservedUsd - held), spentUsd: budget.spentUsd + finiteOr0(spentOn(budget.scope)) };
    });
  }

  /** A reservation's answer carries fresh figures for the budgets it touched. */
  private mergeUsage(usage: readonly BudgetUsage[]): void {
    if (usage.length === 0) return;
    const fresh = new Map(usage.map((budget) => [`${budget.scope}/${budget.period}`, budget]));
    this.usageSnapshot = this.usageSnapshot.map((budget) => fresh.get(`${budget.scope}/${budget.period}`) ?? budget);
  }

  private async renew(): Promise<void> {
    try {
      await renewBudgetReservations(this.db, this.instanceId, this.leaseSeconds);
    } catch (error) {
      this.logger.warn("could not renew budget reservations", { error: driverMessage(error) });
    }
  }
}

/** Scopes with a limit added, removed or changed. */
function changedScopes(before: readonly BudgetLimit[], after: readonly BudgetLimit[]): Set<string> {
  const key = (limit: BudgetLimit) => `${limit.scope}/${limit.period}=${limit.limitUsd}`;
  const [was, is] = [new Set(before.map(key)), new Set(after.map(key))];
  const changed = new Set<string>();
  for (const limit of before) if (!is.has(key(limit))) changed.add(limit.scope);
  for (const limit of after) if (!was.has(key(limit))) changed.add(limit.scope);
  return changed;
}

function limitedUsage(rows: Awaited<ReturnType<typeof listBudgetUsage>>): BudgetUsage[] {
  const limited: BudgetUsage[] = [];
  for (const row of rows) if (row.limitUsd !== null) limited.push({ ...row, limitUsd: row.limitUsd });
  return limited;
}

/** A non-finite cost is written as nothing (settleBudgets). */
const finiteOr0 = (usd: number) => (Number.isFinite(usd) ? usd : 0);
