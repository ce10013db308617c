import { Hono } from "hono";
import type { DatabaseProbe } from "../db/database-probe";
import type { PipelineDeps } from "../pipeline/context";

/**
 * GET /health: liveness (always 200 and "ok" while the process answers; /ready is the readiness
 * check) plus what is active and the database's state, for humans and for monitors. The database
 * is "lost" when a bounded `select 1` (database-probe.ts) or the request log's last write failed,
 * since the earlier of the two; its rows dropped (buffer full) and refused, and the queue of rows
 * waiting for it, are counted either way.
 */
export interface HealthInfo {
  database: string;
  startedAt: Date;
  /** Left out (an app built without a database), the state is the request log's alone. */
  probe?: DatabaseProbe;
}

export function healthRoutes(deps: PipelineDeps, info: HealthInfo): Hono {
  const routes = new Hono();
  routes.get("/", async (c) => {
    const requestLog = deps.logSink.status();
    const probed = await info.probe?.check();
    const lostSince = [probed && !probed.reachable ? probed.since.toISOString() : undefined, requestLog.lostSince].filter((time): time is string => time !== undefined).sort()[0];
    return c.json({
      status: "ok",
      database: {
        kind: info.database,
        state: lostSince ? "lost" : "reachable",
        lostSince: lostSince ?? null,
        ...(probed?.error ? { error: probed.error } : {}),
        rowsDropped: requestLog.dropped,
        rowsRefused: requestLog.refused,
        queueDepth: requestLog.pending + requestLog.writing,
      },
      uptimeSeconds: Math.round((Date.now() - info.startedAt.getTime()) / 1000),
      providers: deps.directory.activeProviders().map((provider) => ({ id: provider.id, name: provider.displayName })),
      models: deps.directory.all().length,
      // Rows waiting for the database, rows lost to a full buffer or refused, and whether the last write got through.
      requestLog,
    });
  });
  return routes;
}
