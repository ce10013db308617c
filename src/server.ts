import type { Hono } from "hono";
import { createApp } from "./app";
import { budgetLimitsFromConfig } from "./budget/configured-budgets";
import { BudgetService } from "./budget/budget-service";
import { ResponseCache } from "./cache/response-cache";
import type { Config } from "./config";
import { type DatabaseHandle, openDatabase } from "./db/client";
import { loadSuccessSamples } from "./db/queries";
import { RequestLogWriter } from "./db/request-log-writer";
import { FeedbackService } from "./feedback/feedback-service";
import type { Logger } from "./logger";
import type { PipelineDeps } from "./pipeline/context";
import { emptyCompressionCounters } from "./compression/compression-counters";
import { createProviders } from "./providers/registry";
import type { LLMProvider } from "./providers/types";
import { pickBaseline } from "./catalog/baseline";
import { buildCatalog } from "./catalog/build-catalog";
import { CircuitBreakers } from "./routing/circuit-breakers";
import { ModelDirectory } from "./routing/model-directory";
import { Router } from "./routing/router";
import { SuccessRates } from "./routing/success-rates";

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
  providers: LLMProvider[];
  /** Flushes the request log and releases everything; safe to call twice. */
  close(): Promise<void>;
}

export interface BuildProxyOptions {
  fetch?: typeof fetch;
  /** An already-open database (tests share one); it is then not closed by `close()`. */
  database?: DatabaseHandle;
}

export async function buildProxy(config: Config, logger: Logger, options: BuildProxyOptions = {}): Promise<Proxy> {
  const ownsDatabase = !options.database;
  // The catalog file is checked first: a typo in it should not wait for the database to start.
  const catalog = buildCatalog(config);
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const logWriter = new RequestLogWriter(database.db, { flushIntervalMs: config.logFlushIntervalMs, logger });
  const providers = await createProviders(config, catalog, { logger, fetch: options.fetch });
  const directory = await ModelDirectory.build(providers, catalog, config.defaultProvider);
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
    feedback: new FeedbackService(database.db, logWriter, successRates),
    logSink: logWriter,
    logger,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    streamHeartbeatMs: config.streamHeartbeatMs,
    cache: cache && { service: cache, maxTemperature: config.cache.maxTemperature },
    compression: { mode: config.compression, counters: emptyCompressionCounters() },
    budgets,
  };
  const app = createApp({ pipeline, maxBodyBytes: config.maxBodyBytes, database: database.kind });
  let closing: Promise<void> | undefined;
  return {
    app,
    pipeline,
    database,
    logWriter,
    providers,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([cache?.close(), budgets.close()]);
        await logWriter.close();
        await Promise.all(providers.map((provider) => provider.close?.()));
        if (ownsDatabase) await database.close();
      })()),
  };
}
