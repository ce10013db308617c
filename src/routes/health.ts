import { Hono } from "hono";
import type { PipelineDeps } from "../pipeline/context";

/** GET /health: liveness plus what is active and the request log's state, for humans and for monitors. */
export function healthRoutes(deps: PipelineDeps, info: { database: string; startedAt: Date }): Hono {
  const routes = new Hono();
  routes.get("/", (c) =>
    c.json({
      status: "ok",
      database: info.database,
      uptimeSeconds: Math.round((Date.now() - info.startedAt.getTime()) / 1000),
      providers: deps.directory.activeProviders().map((provider) => ({ id: provider.id, name: provider.displayName })),
      models: deps.directory.all().length,
      // Rows waiting for the database, rows lost to a full buffer or refused, and whether the last write got through.
      requestLog: deps.logSink.status(),
    }),
  );
  return routes;
}
