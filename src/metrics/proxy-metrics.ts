import type { RequestLogSink } from "../db/request-log-writer";
import type { RequestLogRow } from "../db/schema";
import type { CircuitBreakers } from "../routing/circuit-breakers";
import { type BudgetState, type CacheState, registerCacheAndBudgetMetrics } from "./cache-budget-metrics";
import { Counter, Gauge, Histogram, type Labels, PrometheusRegistry } from "./prometheus-registry";

/** Seconds; from a cached answer (~ms) to a long reasoning stream. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Seconds; the proxy's own share, from a fraction of a millisecond to a slow start. */
const addedBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Redacted model names kept for labels; more distinct names than this start the cache over. */
const maxRememberedModelLabels = 1_000;
const breakerStates = ["closed", "open", "half-open"] as const;

/** What /metrics reads from the request-log writer when scraped (queue depth, dropped rows). */
export interface LogQueueState {
  readonly pending: number;
  readonly dropped?: number;
}

export interface ProxyMetricsOptions {
  breakers: CircuitBreakers;
  logQueue: LogQueueState;
  /** Model names come from clients: they pass through the pipeline's redactor before becoming labels. */
  redact: (text: string) => string;
  /** The response cache (absent with CACHE_ENABLED=false) and the budgets, read when scraped. */
  cache?: CacheState;
  budgets?: BudgetState;
}

/**
 * The proxy's Prometheus metrics. Request series are fed from one place, the log-record path
 * (every request, errors and refusals included, yields exactly one row), so a scrape never queries
 * the database; states (breakers, the log queue) are read when scraped.
 */
export class ProxyMetrics {
  readonly registry = new PrometheusRegistry();
  private readonly requests: Counter;
  private readonly latency: Histogram;
  private readonly ttft: Histogram;
  private readonly tokens: Counter;
  private readonly cost: Counter;
  private readonly savings: Counter;
  private readonly fallbacks: Counter;
  private readonly added: Histogram;
  private readonly modelLabels = new Map<string, string>();

  constructor(private readonly options: ProxyMetricsOptions) {
    const registry = this.registry;
    this.requests = registry.register(new Counter("claude_proxy_requests_total", "Requests answered, by front door, provider, model, routing tier and HTTP status."));
    this.latency = registry.register(new Histogram("claude_proxy_request_duration_seconds", "Time from request arrival to the last byte of the answer.", latencyBuckets));
    this.ttft = registry.register(new Histogram("claude_proxy_time_to_first_token_seconds", "Time from request arrival to the first output token (streams).", latencyBuckets));
    this.tokens = registry.register(new Counter("claude_proxy_tokens_total", "Tokens by direction: input, output, cached (read from the provider's cache), cache_write."));
    this.cost = registry.register(new Counter("claude_proxy_cost_usd_total", "What the answers cost at catalog prices, in US dollars."));
    this.savings = registry.register(new Counter("claude_proxy_savings_usd_total", "Baseline model's cost minus the actual cost, in US dollars (negative when routing cost more)."));
    this.added = registry.register(
      new Histogram(
        "claude_proxy_added_duration_seconds",
        "The proxy's own time: a completion's whole time minus the upstream's (measure=total), or a stream's time to first byte minus the wait for the upstream's first chunk (measure=first_byte).",
        addedBuckets,
      ),
    );
    this.fallbacks = registry.register(new Counter("claude_proxy_fallbacks_total", "Times a request moved on to its next candidate model."));
    registry.register(
      new Gauge("claude_proxy_circuit_breaker_state", "1 for the state each provider/model breaker is in (closed, open, half-open).", () =>
        options.breakers.snapshot().flatMap((breaker) =>
          breakerStates.map((state) => ({ labels: { model: options.redact(breaker.key), state }, value: breaker.state === state ? 1 : 0 })),
        ),
      ),
    );
    registry.register(new Gauge("claude_proxy_request_log_queue_depth", "Request-log rows not in the database yet (waiting, or in the write under way).", () => [{ labels: {}, value: options.logQueue.pending }]));
    registry.register(
      new Gauge("claude_proxy_request_log_dropped_rows", "Request-log rows dropped since start (buffer full or refused by the database).", () =>
        options.logQueue.dropped === undefined ? [] : [{ labels: {}, value: options.logQueue.dropped }],
      ),
    );
    if (options.budgets) registerCacheAndBudgetMetrics(registry, options.cache, options.budgets);
  }

  /** Counts one finished request from its log row. */
  observe(row: RequestLogRow): void {
    const labels: Labels = {
      door: row.door,
      provider: row.provider ?? "none",
      model: this.modelLabel(row.model),
      tier: row.tier ?? "none",
      status: String(row.status),
    };
    this.requests.inc(labels);
    const series = { door: labels.door!, provider: labels.provider!, model: labels.model! };
    this.latency.observe(series, row.latencyMs / 1000);
    if (row.ttftMs !== null && row.ttftMs !== undefined) this.ttft.observe(series, row.ttftMs / 1000);
    this.countTokens(series, "input", row.tokensIn);
    this.countTokens(series, "output", row.tokensOut);
    this.countTokens(series, "cached", row.cachedTokens);
    this.countTokens(series, "cache_write", row.cacheWriteTokens);
    if (row.costUsd) this.cost.inc(series, row.costUsd);
    if (row.baselineCostUsd !== null && row.baselineCostUsd !== undefined) this.savings.inc(series, row.baselineCostUsd - (row.costUsd ?? 0));
    if (row.fallbacks) this.fallbacks.inc(series, row.fallbacks);
  }

  private countTokens(series: Labels, direction: string, count: number | undefined): void {
    if (count) this.tokens.inc({ ...series, direction }, count);
  }

  /** The proxy's own added time for one finished request (pipeline/request-report.ts). */
  observeAdded(row: RequestLogRow, addedMs: number, measure: "total" | "first_byte"): void {
    this.added.observe({ door: row.door, provider: row.provider ?? "none", model: this.modelLabel(row.model), measure }, addedMs / 1000);
  }

  /**
   * A model name as a label: redacted, and remembered, since the same few names come back on every
   * request (twice each: the request series and the added time). Bounded: a client cycling
   * through names only ever makes the cache start over.
   */
  private modelLabel(model: string | null | undefined): string {
    const name = model ?? "none";
    let label = this.modelLabels.get(name);
    if (label === undefined) {
      if (this.modelLabels.size >= maxRememberedModelLabels) this.modelLabels.clear();
      label = this.options.redact(name);
      this.modelLabels.set(name, label);
    }
    return label;
  }

  /** Wraps the request-log sink: every row is counted, then written as before. */
  recording(sink: RequestLogSink): RequestLogSink {
    return {
      record: (row) => {
        this.observe(row);
        sink.record(row);
      },
      status: () => sink.status(),
    };
  }

  render(): string {
    return this.registry.render();
  }
}
