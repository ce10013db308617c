import {
  applyConfiguredBudgets,
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
import { SpendWriter } from "./spend-writer";

/**
 * Budgets in the database, shared by every instance on it: the limits (from the configuration at
 * start-up, then PUT /api/budgets), what each period spent, and the reservations of requests in
 * flight. Each instance keeps the list of limits in memory (re-read every few seconds) only to
 * skip the check when there is none; the check itself is one statement in the database.
 */
export interface BudgetSettings {
  action: "downgrade" | "block";
  timeZone: string;
  /** The budgets the configuration sets. */
  configured: BudgetLimit[];
}

/** A granted reservation: released (and its request's spend added) when the request ends. */
export interface Reservation {
  id: string;
  dayStart?: Date;
  monthStart?: Date;
}

/** What this process did with budgets since it started, for /metrics. */
export interface BudgetCounters {
  /** Reservations granted before dispatch. */
  reservations: number;
  /** Reservations settled with what the request really cost. */
  settlements: number;
  /** Reservations given back with nothing spent: the request failed, or the client left before any cost. */
  releases: number;
  /** Requests refused because no budget had room (429 budget_exceeded) or none could be checked (503). */
  blocked: number;
  /** Requests moved to a cheaper or a $0 model because of a budget. */
  downgraded: number;
}

/** How long a reservation lives without renewal: a crashed instance's reservations expire after this. */
const LEASE_SECONDS = 120;
const RENEW_INTERVAL_MS = 30_000;
const LIMITS_REFRESH_MS = 5_000;
const SPEND_WRITE_DELAY_MS = 20;
const IDLE_SPEND_WRITE_DELAY_MS = 1_000;

export class BudgetService {
  /** This process: the owner of the reservations it renews. */
  readonly instanceId = crypto.randomUUID();
  readonly counters: BudgetCounters = { reservations: 0, settlements: 0, releases: 0, blocked: 0, downgraded: 0 };
  private limits: BudgetLimit[] = [];
  /** Every limited budget as last read (at most LIMITS_REFRESH_MS old, fresher after a reservation), for /metrics. */
  private usageSnapshot: BudgetUsage[] = [];
  private readonly spend: SpendWriter;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private closed = false;

  constructor(
    private readonly db: Database,
    readonly settings: BudgetSettings,
    private readonly logger: Logger,
  ) {
    this.spend = new SpendWriter({ write: (entries) => settleBudgets(db, entries, settings.timeZone), logger, delayMs: SPEND_WRITE_DELAY_MS, idleDelayMs: IDLE_SPEND_WRITE_DELAY_MS });
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

  /** Scopes that have a limit: a reservation is only worth making against these. */
  limitedScopes(): Set<string> {
    return new Set(this.limits.map((limit) => limit.scope));
  }

  /** One atomic reservation of `amounts` (scope → USD) against every limit of those scopes. */
  async reserve(amounts: ReadonlyMap<string, number>): Promise<ReservationResult & { reservation?: Reservation }> {
    const id = crypto.randomUUID();
    const result = await reserveBudget(this.db, { id, instanceId: this.instanceId, amounts, timeZone: this.settings.timeZone, leaseSeconds: LEASE_SECONDS });
    if (result.granted) this.counters.reservations++;
    this.mergeUsage(result.usage);
    return result.granted ? { ...result, reservation: { id, dayStart: result.dayStart, monthStart: result.monthStart } } : result;
  }

  /**
   * What a finished request spent (on the global budget and its provider's), releasing its
   * reservation. Recorded for every request, limited or not, so a budget set later starts from
   * the true spend of its period.
   */
  settle(input: { reservation?: Reservation; provider?: string; costUsd: number; at: Date }): void {
    const base = { reservationId: input.reservation?.id ?? null, dayStart: input.reservation?.dayStart ?? null, monthStart: input.reservation?.monthStart ?? null, at: input.at };
    const entries: SpendEntry[] = [{ ...base, scope: GLOBAL_SCOPE, amountUsd: input.costUsd }];
    if (input.provider && input.costUsd > 0) entries.push({ ...base, scope: input.provider, amountUsd: input.costUsd });
    // After close the database is going away; a reservation left now expires with its lease.
    if (this.closed || (!input.reservation && input.costUsd <= 0)) return;
    if (input.reservation) this.counters[input.costUsd > 0 ? "settlements" : "releases"]++;
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
  }

  private async refreshLimits(): Promise<void> {
    try {
      this.limits = await listBudgetLimits(this.db);
      // Only worth a query when something is limited; it keeps the /metrics gauges current.
      this.usageSnapshot = this.limits.length > 0 ? limitedUsage(await listBudgetUsage(this.db, this.settings.timeZone)) : [];
    } catch (error) {
      this.logger.warn("could not re-read the budget limits; keeping the last ones", { error: driverMessage(error) });
    }
  }

  /** A reservation's answer carries fresh figures for the budgets it touched. */
  private mergeUsage(usage: readonly BudgetUsage[]): void {
    if (usage.length === 0) return;
    const fresh = new Map(usage.map((budget) => [`${budget.scope}/${budget.period}`, budget]));
    this.usageSnapshot = this.usageSnapshot.map((budget) => fresh.get(`${budget.scope}/${budget.period}`) ?? budget);
  }

  private async renew(): Promise<void> {
    try {
      await renewBudgetReservations(this.db, this.instanceId, LEASE_SECONDS);
    } catch (error) {
      this.logger.warn("could not renew budget reservations", { error: driverMessage(error) });
    }
  }
}

function limitedUsage(rows: Awaited<ReturnType<typeof listBudgetUsage>>): BudgetUsage[] {
  const limited: BudgetUsage[] = [];
  for (const row of rows) if (row.limitUsd !== null) limited.push({ ...row, limitUsd: row.limitUsd });
  return limited;
}
