import { type BudgetUsage, remainingUsd } from "./budget-types";

/**
 * When an instance may take requests' reservations from a lease (budget-lease.ts) instead of one
 * database round trip each, and how big a lease it takes. Leases are for budgets with plenty of
 * room: near the limit every request is reserved exactly in the database, so the last dollars go
 * to the requests that ask first, on whichever instance, and nothing sits unused in a lease.
 */

/** A scope leases only while each of its budgets has room for this many typical worst cases... */
export const LEASE_MIN_WORST_CASES = 100;
/** ...and at least this share of its limit. */
export const LEASE_MIN_LIMIT_SHARE = 0.05;
/** A lease covers this many typical worst cases... */
export const LEASE_WORST_CASES = 256;
/** ...but never more than this share of the room left when it is taken. */
export const LEASE_ROOM_SHARE = 0.1;
/** A lease smaller than this many worst cases is not worth a round trip. */
const LEASE_MIN_SIZE_WORST_CASES = 4;
/** The next lease is taken (in the background) once the newest one has less than this share of its size free. */
export const TOP_UP_BELOW_SHARE = 0.5;
/**
 * A scope leases only once this many of its requests came within a second: a lease saves a round
 * trip per request under load, and a quiet proxy has no use for one.
 */
export const LEASE_MIN_REQUESTS_PER_SECOND = 10;
/** How much one request's worst case moves the running typical worst case. */
const TYPICAL_WEIGHT = 0.05;

/**
 * The USD to lease for `scope` now, or 0 when its requests must be reserved exactly. `budgets` are
 * the limited budgets as last read (leases of this instance counted as reserved, like every
 * other reservation), `ownFreeUsd` what this instance's leases of the scope still have free.
 */
export function leaseSizeUsd(budgets: readonly BudgetUsage[], scope: string, typicalUsd: number | undefined, ownFreeUsd: number): number {
  const own = budgets.filter((budget) => budget.scope === scope);
  if (own.length === 0 || !typicalUsd || typicalUsd <= 0) return 0;
  let room = Number.POSITIVE_INFINITY;
  for (const budget of own) {
    const left = remainingUsd(budget);
    if (left + ownFreeUsd < Math.max(LEASE_MIN_WORST_CASES * typicalUsd, LEASE_MIN_LIMIT_SHARE * budget.limitUsd)) return 0;
    room = Math.min(room, left);
  }
  const size = Math.min(LEASE_WORST_CASES * typicalUsd, LEASE_ROOM_SHARE * room);
  return size >= LEASE_MIN_SIZE_WORST_CASES * typicalUsd ? size : 0;
}

/** The running typical worst case of a scope's requests, after one more request. */
export function nextTypicalUsd(previous: number | undefined, amountUsd: number): number {
  return previous === undefined ? amountUsd : previous + TYPICAL_WEIGHT * (amountUsd - previous);
}
