import type { BudgetLimit, BudgetUsage } from "./budget-types";
import type { LeasedHold } from "./lease-pool";

/** What the budget service (budget-service.ts) is set with, grants and counts. */

export interface BudgetSettings {
  action: "downgrade" | "block";
  timeZone: string;
  /** The budgets the configuration sets. */
  configured: BudgetLimit[];
}

/** A granted reservation: released (and its request's spend added) when the request ends. */
export interface Reservation {
  /** A reservation row of the request's own, in the database. */
  id?: string;
  dayStart?: Date;
  monthStart?: Date;
  /** Held on this instance's leases instead. */
  leased?: LeasedHold;
  /** What the row holds per scope, and the figures its grant returned (its hold counted in them). */
  amounts?: ReadonlyMap<string, number>;
  grantedWith?: readonly BudgetUsage[];
}

/** For tests: a shorter reservation life, another clock. */
export interface BudgetServiceTuning {
  leaseSeconds?: number;
  now?: () => number;
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
