/**
 * One breaker per provider/model. CONSECUTIVE_FAILURE_LIMIT failures in a row open it; after the
 * cool-down it lets exactly one probe request through (half-open): success closes it, failure
 * opens it for another cool-down. A breaker can also be opened at once until a given time (an
 * upstream that said when it takes requests again, such as a subscription's usage limit).
 */
export type BreakerState = "closed" | "open" | "half-open";

interface Breaker {
  consecutiveFailures: number;
  openedAt: number | undefined;
  probeInFlight: boolean;
  lastError: string | undefined;
  /** Open until this time (epoch ms) instead of for the cool-down. */
  openUntil?: number;
}

export interface BreakerSnapshot {
  key: string;
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: string | null;
  /** When an upstream-given deadline ends (ISO), if the breaker was opened until one. */
  openUntil: string | null;
  retryInMs: number;
  lastError: string | null;
}

export class CircuitBreakers {
  private readonly breakers = new Map<string, Breaker>();

  constructor(
    private readonly options: { failureLimit: number; cooldownMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  state(key: string): BreakerState {
    const breaker = this.breakers.get(key);
    if (!breaker || breaker.openedAt === undefined) return "closed";
    return this.now() >= this.reopensAt(breaker) ? "half-open" : "open";
  }

  /** Opens the breaker now, until `until` (epoch ms) or for the cool-down; then one probe may try. */
  openUntil(key: string, error: string, until: number = this.now() + this.options.cooldownMs): void {
    const breaker = this.breakers.get(key) ?? { consecutiveFailures: 0, openedAt: undefined, probeInFlight: false, lastError: undefined };
    breaker.consecutiveFailures++;
    breaker.lastError = error;
    breaker.openedAt = this.now();
    breaker.openUntil = until;
    breaker.probeInFlight = false;
    this.breakers.set(key, breaker);
  }

  private reopensAt(breaker: Breaker): number {
    return breaker.openUntil ?? breaker.openedAt! + this.options.cooldownMs;
  }

  /** How long until an open breaker lets a probe through (0 when it is not open). */
  retryInMs(key: string): number {
    const breaker = this.breakers.get(key);
    return breaker && this.state(key) === "open" ? Math.max(0, this.reopensAt(breaker) - this.now()) : 0;
  }

  /** When an open breaker lets a probe through (epoch ms), and the error that opened it. */
  openInfo(key: string): { reopensAt: number; lastError: string | undefined } | undefined {
    const breaker = this.breakers.get(key);
    return breaker && this.state(key) === "open" ? { reopensAt: this.reopensAt(breaker), lastError: breaker.lastError } : undefined;
  }

  /** Whether the router may plan to use this model (closed, or half-open with no probe yet). */
  isAvailable(key: string): boolean {
    const state = this.state(key);
    return state === "closed" || (state === "half-open" && !this.breakers.get(key)!.probeInFlight);
  }

  /** Called right before a call: false when open or when another request is already the probe. */
  tryAcquire(key: string): boolean {
    const state = this.state(key);
    if (state === "closed") return true;
    const breaker = this.breakers.get(key)!;
    if (state === "open" || breaker.probeInFlight) return false;
    breaker.probeInFlight = true;
    return true;
  }

  recordSuccess(key: string): void {
    this.breakers.delete(key);
  }

  recordFailure(key: string, error: string): void {
    const breaker = this.breakers.get(key) ?? { consecutiveFailures: 0, openedAt: undefined, probeInFlight: false, lastError: undefined };
    breaker.consecutiveFailures++;
    breaker.lastError = error;
    if (breaker.probeInFlight || breaker.consecutiveFailures >= this.options.failureLimit) {
      breaker.openedAt = this.now();
      breaker.openUntil = undefined;
    }
    breaker.probeInFlight = false;
    this.breakers.set(key, breaker);
  }

  /** A request that was neither success nor upstream failure (client left) frees the probe. */
  release(key: string): void {
    const breaker = this.breakers.get(key);
    if (breaker) breaker.probeInFlight = false;
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.breakers.entries()].map(([key, breaker]) => {
      const state = this.state(key);
      return {
        key,
        state,
        consecutiveFailures: breaker.consecutiveFailures,
        openedAt: breaker.openedAt === undefined ? null : new Date(breaker.openedAt).toISOString(),
        openUntil: breaker.openUntil === undefined ? null : new Date(breaker.openUntil).toISOString(),
        retryInMs: this.retryInMs(key),
        lastError: breaker.lastError ?? null,
      };
    });
  }
}
