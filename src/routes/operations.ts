import { Hono } from "hono";
import type { Database } from "../db/client";
import { latestMigrationMillis } from "../db/embedded-migrations";
import { lastAppliedMigrationMillis } from "../db/readiness-queries";
import { withDeadline } from "../db/with-deadline";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/prometheus-registry";
import type { ProxyMetrics } from "../metrics/proxy-metrics";
import type { ModelDirectory } from "../routing/model-directory";

export interface OperationsDeps {
  db: Database;
  directory: ModelDirectory;
  metrics: ProxyMetrics;
  /** The pipeline's redactor: a driver's error text may quote a connection string. */
  redact: (text: string) => string;
}

/** How long /ready waits for the database before calling it unreachable. */
const DATABASE_CHECK_TIMEOUT_MS = 2_000;

/** Why the proxy cannot serve traffic now; empty when it can. */
export async function readinessProblems(deps: OperationsDeps): Promise<string[]> {
  const problems: string[] = [];
  if (deps.directory.activeProviders().length === 0) problems.push("no provider is active");
  try {
    const applied = await withDeadline(lastAppliedMigrationMillis(deps.db), DATABASE_CHECK_TIMEOUT_MS, () => new Error(`no answer within ${DATABASE_CHECK_TIMEOUT_MS} ms`));
    if (applied === null || applied < latestMigrationMillis()) problems.push("database migrations are not applied");
  } catch (error) {
    problems.push(deps.redact(`database unreachable: ${(error as Error).message.split("\n")[0]}`));
  }
  return problems;
}

/** GET /ready (readiness, for load balancers) and GET /metrics (Prometheus). */
export function operationsRoutes(deps: OperationsDeps): Hono {
  const routes = new Hono();
  routes.get("/ready", async (c) => {
    const problems = await readinessProblems(deps);
    return problems.length === 0 ? c.json({ status: "ready" }) : c.json({ status: "not ready", problems }, 503);
  });
  routes.get("/metrics", (c) => c.body(deps.metrics.render(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE }));
  return routes;
}
