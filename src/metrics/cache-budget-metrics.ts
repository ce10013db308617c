import type { BudgetCounters } from "../budget/budget-service-types";
import type { BudgetUsage } from "../budget/budget-types";
import type { CacheCounters } from "../cache/cache-types";
import { Gauge, type PrometheusRegistry, ReadCounter } from "./prometheus-registry";

/** What /metrics reads from the response cache when scraped (ResponseCache.stats()). */
export interface CacheState {
  stats(): CacheCounters & { memoryEntries: number; memoryBytes: number; indexedKeys: number; pendingWrites: number };
  readonly settings: { maxEntries: number; maxBytes: number };
}

/** What /metrics reads from the budgets when scraped: this process's tallies and the last-read figures. */
export interface BudgetState {
  readonly counters: BudgetCounters;
  snapshot(): readonly BudgetUsage[];
}

const one = (value: number) => [{ labels: {}, value }];

/**
 * The response cache's and the budgets' series. Both services keep their own tallies (they also
 * feed /api/cache and the dashboard); these families read them at scrape time, so the request
 * path does nothing more for metrics. Without a cache (CACHE_ENABLED=false) its families are
 * announced with no series.
 */
export function registerCacheAndBudgetMetrics(registry: PrometheusRegistry, cache: CacheState | undefined, budgets: BudgetState): void {
  const stats = () => cache?.stats();
  const from = (read: (counters: NonNullable<ReturnType<typeof stats>>) => Array<{ labels: Record<string, string>; value: number }>) => () => {
    const current = stats();
    return current ? read(current) : [];
  };
  registry.register(
    new ReadCounter(
      "claude_proxy_cache_lookups_total",
      "Requests the response cache saw: hit (answered from the cache), miss (looked up, not found), bypass (Cache-Control: no-cache or no-store, x-cache: bypass).",
      from((counters) => [
        { labels: { result: "hit" }, value: counters.hits },
        { labels: { result: "miss" }, value: counters.misses },
        { labels: { result: "bypass" }, value: counters.bypasses },
      ]),
    ),
  );
  registry.register(new ReadCounter("claude_proxy_cache_table_hits_total", "Hits read from the shared database table (the rest came from this process's memory).", from((counters) => one(counters.tableHits))));
  registry.register(new ReadCounter("claude_proxy_cache_stores_total", "Complete answers stored.", from((counters) => one(counters.stores))));
  registry.register(new ReadCounter("claude_proxy_cache_evictions_total", "Answers taken out of the cache because they were rated bad.", from((counters) => one(counters.evictions))));
  registry.register(
    new ReadCounter(
      "claude_proxy_cache_errors_total",
      "Cache operations that failed and were skipped (the request went on as a miss): read (including a stored answer that would not parse), write, key sync with the table, key (a request the key could not be built for); dropped_write when too many writes waited.",
      from((counters) => [
        { labels: { operation: "read" }, value: counters.readErrors },
        { labels: { operation: "write" }, value: counters.writeErrors },
        { labels: { operation: "sync" }, value: counters.syncErrors },
        { labels: { operation: "dropped_write" }, value: counters.droppedWrites },
        { labels: { operation: "key" }, value: counters.keyErrors },
      ]),
    ),
  );
  registry.register(new ReadCounter("claude_proxy_cache_digest_mismatches_total", "Keys found whose stored request digest differed (a hash collision), served as misses.", from((counters) => one(counters.digestMismatches))));
  registry.register(new Gauge("claude_proxy_cache_memory_entries", "Answers in the in-process LRU.", from((counters) => one(counters.memoryEntries))));
  registry.register(new Gauge("claude_proxy_cache_memory_bytes", "Bytes of answers in the in-process LRU.", from((counters) => one(counters.memoryBytes))));
  registry.register(new Gauge("claude_proxy_cache_memory_max_entries", "CACHE_MAX_ENTRIES: the LRU's bound on answers.", () => (cache ? one(cache.settings.maxEntries) : [])));
  registry.register(new Gauge("claude_proxy_cache_memory_max_bytes", "CACHE_MAX_BYTES: the LRU's bound on bytes.", () => (cache ? one(cache.settings.maxBytes) : [])));
  registry.register(new Gauge("claude_proxy_cache_indexed_keys", "Keys of the shared table this process knows (a lookup only goes to the database for these).", from((counters) => one(counters.indexedKeys))));
  registry.register(new Gauge("claude_proxy_cache_pending_writes", "Stored answers waiting to be written to the shared table.", from((counters) => one(counters.pendingWrites))));

  const tally = (name: keyof BudgetCounters, metric: string, help: string) =>
    registry.register(new ReadCounter(metric, help, () => one(budgets.counters[name])));
  tally("reservations", "claude_proxy_budget_reservations_total", "Worst-case costs reserved in the database before dispatch.");
  tally("settlements", "claude_proxy_budget_settlements_total", "Reservations settled with the request's real cost.");
  tally("releases", "claude_proxy_budget_releases_total", "Reservations released with nothing spent (the request failed or the client left before any cost).");
  tally("blocked", "claude_proxy_budget_blocked_total", "Requests refused by a budget: 429 budget_exceeded, or 503 when the budgets could not be checked.");
  tally("downgraded", "claude_proxy_budget_downgraded_total", "Requests sent to a cheaper or $0 model because of a budget (BUDGET_ACTION=downgrade).");
  const perBudget = (read: (budget: BudgetUsage) => number) => () =>
    budgets.snapshot().map((budget) => ({ labels: { scope: budget.scope, period: budget.period }, value: read(budget) }));
  registry.register(new Gauge("claude_proxy_budget_limit_usd", "Each budget's limit in its current period, US dollars.", perBudget((budget) => budget.limitUsd)));
  registry.register(new Gauge("claude_proxy_budget_spent_usd", "What each budget's current period has spent, US dollars (read at most 5 s ago).", perBudget((budget) => budget.spentUsd)));
  registry.register(new Gauge("claude_proxy_budget_reserved_usd", "What requests in flight and instances' leases hold on each budget, US dollars.", perBudget((budget) => budget.reservedUsd)));
}
