import type { Hono } from "hono";
import { createApp } from "./app";
import { budgetLimitsFromConfig } from "./budget/configured-budgets";
import { BudgetService } from "./budget/budget-service";
import { HitMemo } from "./cache/hit-memo";
import { ResponseCache } from "./cache/response-cache";
import { type Config, secretValues } from "./config";
import { type DatabaseHandle, openDatabase } from "./db/client";
import { loadSuccessSamples } from "./db/queries";
import { RequestLogRetention } from "./db/request-log-retention";
import { RequestLogWriter, defaultFlushIntervalMs, defaultMaxBatch } from "./db/request-log-writer";
import { FeedbackService } from "./feedback/feedback-service";
import { ProxyError } from "./errors";
import type { Logger } from "./logger";
import type { PipelineDeps } from "./pipeline/context";
import { DeferredFinishes } from "./pipeline/deferred-finishes";
import { emptyCompressionCounters } from "./compression/compression-counters";
import { ProxyMetrics } from "./metrics/proxy-metrics";
import { createProviders } from "./providers/registry";
import type { LLMProvider } from "./providers/types";
import { pickBaseline } from "./catalog/baseline";
import { buildCatalog } from "./catalog/build-catalog";
import { CircuitBreakers } from "./routing/circuit-breakers";
import { ModelDirectory } from "./routing/model-directory";
import { Router } from "./routing/router";
import { SuccessRates } from "./routing/success-rates";
import { createAccessControl } from "./security/access-control";
import { type Redactor, createRedactor } from "./security/redactor";

/** How far back success rates are learned from at start-up. */
const SUCCESS_HISTORY_DAYS = 30;

/**
 * Wires config → database → providers → app. Shared by the entry point, the benchmark and the
 * end-to-end tests, so all three run the same proxy.
 */
export interface Proxy {
  app: Hono;
  /** What the pipeline runs with (tests run it directly with extra stages). */
  pipeline: PipelineDeps;
  database: DatabaseHandle;
  logWriter: RequestLogWriter;
  /** Present when LOG_RETENTION_DAYS is set. */
  retention: RequestLogRetention | undefined;
  metrics: ProxyMetrics;
  providers: LLMProvider[];
  /** Cuts every upstream call and stream still running: streams end with a 503 error event, the rest answer 503. */
  cutInFlight(): void;
  /** Flushes the request log and releases everything; safe to call twice. */
  close(): Promise<void>;
}

export interface BuildProxyOptions {
  fetch?: typeof fetch;
  /** An already-open database (tests share one); it is then not closed by `close()`. */
  database?: DatabaseHandle;
  /** The redactor the entry point built for its logger; built from the config when absent. */
  redactor?: Redactor;
  /**
   * A completion's log row and finish hooks run at the next turn of the event loop, after its
   * Response is returned (pipeline/deferred-finishes.ts): what the server does. Off by default, so
   * that a caller of `app.request` in the same process finds them done when its answer resolves.
   */
  finishAfterAnswer?: boolean;
}

export async function buildProxy(config: Config, logger: Logger, options: BuildProxyOptions = {}): Promise<Proxy> {
  const ownsDatabase = !options.database;
  // The catalog file is checked first: a typo in it should not wait for the database to start.
  const catalog = buildCatalog(config);
  const database =
    options.database ??
    (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embedded: config.embeddedDatabase, onServerEvent: (level, message) => logger[level](message) }));
  try {
    return await assembleProxy(config, logger, options, catalog, database);
  } catch (error) {
    // A later step failed: an embedded server started for this proxy stops with it, not left running.
    if (ownsDatabase) await database.close().catch(() => {});
    throw error;
  }
}

async function assembleProxy(config: Config, logger: Logger, options: BuildProxyOptions, catalog: ReturnType<typeof buildCatalog>, database: DatabaseHandle): Promise<Proxy> {
  const ownsDatabase = !options.database;
  const logWriter = new RequestLogWriter(database.db, {
    flushIntervalMs: config.logFlushIntervalMs ?? defaultFlushIntervalMs[database.kind],
    maxBatch: defaultMaxBatch[database.kind],
    logger,
  });
  const retention = config.logRetentionDays ? new RequestLogRetention(database.db, { retentionDays: config.logRetentionDays, logger }) : undefined;
  const inactiveReasons = new Map<string, string>();
  const providers = await createProviders(config, catalog, { logger, fetch: options.fetch, noteInactive: (id, reason) => inactiveReasons.set(id, reason) });
  const directory = await ModelDirectory.build(providers, catalog, config.defaultProvider);
  // Loaded only when used, as the providers' folders are (providers/registry.ts).
  const ollamaWatch = config.ollama.enabled && config.ollama.refreshMs > 0 ? (await import("./providers/ollama/ollama-watch")).watchOllama(config, catalog, directory, { logger, fetch: options.fetch }) : undefined;
  const breakers = new CircuitBreakers({ failureLimit: config.consecutiveFailureLimit, cooldownMs: config.circuitCooldownMs });
  const successRates = new SuccessRates(await loadSuccessSamples(database.db, new Date(Date.now() - SUCCESS_HISTORY_DAYS * 86_400_000)));
  const router = new Router(directory, breakers, successRates, {
    successThreshold: config.successThreshold,
    successMinSamples: config.successMinSamples,
    defaultProvider: config.defaultProvider,
  });
  const cache = config.cache.enabled ? new ResponseCache(database.db, config.cache, logger) : undefined;
  await cache?.start();
  const budgets = new BudgetService(database.db, { action: config.budget.action, timeZone: config.budget.timeZone, configured: budgetLimitsFromConfig(config.budget) }, logger);
  await budgets.start();
  const inFlight = new AbortController();
  const redactor = options.redactor ?? createRedactor(secretValues(config));
  const metrics = new ProxyMetrics({
    breakers,
    logQueue: { get pending() { return logWriter.unwritten; }, get dropped() { const status = logWriter.status(); return status.dropped + status.refused; } },
    redact: redactor.redact,
    cache,
    budgets,
  });
  const pipeline: PipelineDeps = {
    directory,
    catalog,
    routing: {
      router,
      breakers,
      successRates,
      thresholds: config.routingThresholds,
      baseline: pickBaseline(catalog, config.baselineModel, config.defaultProvider ?? directory.activeProviders()[0]?.id),
      fallbackTotalTimeoutMs: config.fallbackTotalTimeoutMs,
    },
    feedback: new FeedbackService(database.db, logWriter, successRates, cache, redactor.redact),
    logSink: metrics.recording(logWriter),
    logger,
    redactor,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    upstreamIdleTimeoutMs: config.upstreamIdleTimeoutMs,
    streamHeartbeatMs: config.streamHeartbeatMs,
    shutdownSignal: inFlight.signal,
    anthropicModelPolicy: config.anthropicDoorModels,
    cache: cache && { service: cache, maxTemperature: config.cache.maxTemperature, hitMemo: new HitMemo(config.cache.maxEntries, config.cache.maxBytes) },
    compression: { mode: config.compression, counters: emptyCompressionCounters() },
    budgets,
    addedTime: metrics,
    logRequests: config.logRequests,
    ...(options.finishAfterAnswer ? { deferredFinishes: new DeferredFinishes(logger) } : {}),
  };
  const access = createAccessControl({ host: config.host, allowedHosts: config.allowedHosts, proxyApiKey: config.proxyApiKey });
  const app = createApp({
    pipeline,
    maxBodyBytes: config.maxBodyBytes,
    bodyReadTimeoutMs: config.bodyReadTimeoutMs,
    database: database.kind,
    access,
    dashboard: { db: database.db, databaseKind: database.kind, databaseDescription: database.description, config, inactiveReasons },
    operations: { db: database.db, directory, metrics, redact: redactor.redact },
  });
  let closing: Promise<void> | undefined;
  return {
    app,
    pipeline,
    database,
    logWriter,
    retention,
    metrics,
    providers,
    cutInFlight: () =>
      inFlight.abort(
        new ProxyError(503, "The proxy is shutting down; this answer was cut off.", { type: "server_error", code: "shutting_down" }),
      ),
    close: () =>
      (closing ??= (async () => {
        ollamaWatch?.stop();
        await retention?.stop();
        // Answers already handed over are finished first: their rows, cache entries and spend go with the last writes.
        pipeline.deferredFinishes?.drain();
        await Promise.all([cache?.close(), budgets.close()]);
        await logWriter.close();
        await Promise.all(providers.map((provider) => provider.close?.()));
        if (ownsDatabase) await database.close();
      })()),
  };
}
