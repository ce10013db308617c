import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { DatabaseProbe } from "./db/database-probe";
import { DEFAULT_BODY_READ_TIMEOUT_MS, bodyWithinLimit } from "./doors/body-limit";
import type { Door, DoorEndpoint } from "./doors/door";
import { doorErrorHandler } from "./doors/door-app";
import { allowedMethods, doorForPath, doorForRequest, listInWords } from "./doors/door-paths";
import { mountDoorRoutes } from "./doors/mount-door-routes";
import { openaiErrorResponse } from "./doors/openai/openai-error";
import { doors as registeredDoors } from "./doors/registry";
import { wrongBaseUrlError } from "./doors/wrong-base-url";
import { ProxyError, toProxyError } from "./errors";
import { MemoRouter } from "./memo-router";
import { markArrival } from "./pipeline/arrival-time";
import type { PipelineDeps } from "./pipeline/context";
import { rejectRequest } from "./pipeline/reject-request";
import { apiRoutes } from "./routes/api";
import type { DashboardDeps } from "./routes/dashboard/deps";
import { feedbackRoutes } from "./routes/feedback";
import { healthRoutes } from "./routes/health";
import { DASHBOARD_ENDPOINTS, mountLazyDashboard } from "./routes/lazy-dashboard";
import { loginRoutes } from "./routes/login";
import { type OperationsDeps, operationsRoutes } from "./routes/operations";
import { type AccessControl, LOGIN_PATH, createAccessControl, requireAccess, requireAllowedHost } from "./security/access-control";

export interface AppDeps {
  pipeline: PipelineDeps;
  maxBodyBytes: number;
  /** BODY_READ_TIMEOUT_MS: a body not received by then is answered with a 408 (doors/body-limit.ts); 30 s when left out. */
  bodyReadTimeoutMs?: number;
  database: string;
  startedAt?: Date;
  /** The front doors to mount: every door of doors/registry.ts unless the caller picks. */
  doors?: readonly Door[];
  /** The Host rule and PROXY_API_KEY; by default loopback names only and no key. */
  access?: AccessControl;
  /** The browser dashboard and /api/stats; left out, the app serves only the API. */
  dashboard?: Omit<DashboardDeps, "pipeline" | "send">;
  /** GET /ready and GET /metrics; left out, the app serves neither. */
  operations?: OperationsDeps;
}

/** The proxy's own routes, beside the doors' endpoints in the 405 table. */
const ownEndpoints: DoorEndpoint[] = [
  { method: "POST", path: "/v1/feedback" },
  { method: "POST", path: "/feedback" },
  { method: "GET", path: "/api/routing" },
  { method: "GET", path: "/api/cache" },
  { method: "GET", path: "/api/compression" },
  { method: "GET", path: "/api/stats" },
  { method: "GET", path: "/api/requests" },
  { method: "GET", path: "/api/budgets" },
  { method: "PUT", path: "/api/budgets" },
  { method: "GET", path: "/health" },
  { method: "GET", path: "/ready" },
  { method: "GET", path: "/metrics" },
  { method: "GET", path: LOGIN_PATH },
  { method: "POST", path: LOGIN_PATH },
  { method: "POST", path: "/logout" },
];

/** Builds the whole HTTP app from its dependencies; no globals, so tests build their own. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono({ router: new MemoRouter() });
  const pipeline = deps.pipeline;
  const doors = deps.doors ?? registeredDoors;
  const access = deps.access ?? createAccessControl({ host: "127.0.0.1", allowedHosts: [] });

  // A refusal on a door's ground is answered in that door's shape and logged, so the user sees
  // which client is misconfigured (/v1/embeddings, GET on /v1/chat/completions); other paths
  // (favicon.ico) get the proxy's own (OpenAI) error shape and no row.
  const refuse = (c: Context, error: ProxyError) => {
    const door = doorForRequest(doors, c.req.path, c.req.raw.headers);
    return door ? rejectRequest(pipeline, { door, http: c.req.raw, error }) : openaiErrorResponse(error);
  };

  // Every response carries the trace headers, also 404s, 405s and /health.
  app.use("*", async (c, next) => {
    markArrival(c.req.raw);
    await next();
    if (!c.res.headers.has("x-task-id")) {
      c.res.headers.set("x-task-id", crypto.randomUUID());
      c.res.headers.set("x-provider", "none");
      c.res.headers.set("x-model", "none");
    }
  });

  // A request for a foreign host or without the key is answered in its door's shape but leaves no
  // row: whoever sends it is not a user of this proxy, and must not be able to fill its database.
  const answer = (c: Context, error: ProxyError, path = c.req.path) => (doorForRequest(doors, path, c.req.raw.headers)?.errorResponse ?? openaiErrorResponse)(error);
  app.use("*", requireAllowedHost(access, answer));
  // Without PROXY_API_KEY that check passes every request (its key is read once, here): left off, one step less per request.
  if (access.key) app.use("*", requireAccess(access, answer, (path) => doorForPath(doors, path) !== undefined));

  const limitBody = bodyWithinLimit(deps.maxBodyBytes, deps.bodyReadTimeoutMs ?? DEFAULT_BODY_READ_TIMEOUT_MS, refuse);
  app.use("*", (c, next) => (doorForPath(doors, c.req.path) ? limitBody(c, next) : next()));

  app.route("/", loginRoutes(access));
  // Also at /feedback, the name the README's chat command and most people use for it.
  const feedback = feedbackRoutes(pipeline);
  app.route("/v1/feedback", feedback);
  app.route("/feedback", feedback);
  for (const door of doors) {
    const routes = door.routes(pipeline);
    const onError = doorErrorHandler(routes);
    // A door app made by createDoorApp goes on without Hono's per-handler wrapper; any other as Hono mounts it.
    if (onError) mountDoorRoutes(app, routes, onError);
    else app.route("/", routes);
  }
  app.route("/api", apiRoutes(pipeline));
  const probe = deps.operations && new DatabaseProbe(deps.operations.db, { redact: deps.operations.redact });
  app.route("/health", healthRoutes(pipeline, { database: deps.database, startedAt: deps.startedAt ?? new Date(), probe }));
  if (deps.operations) app.route("/", operationsRoutes(deps.operations));
  if (deps.dashboard) mountLazyDashboard(app, { ...deps.dashboard, pipeline, send: async (request) => app.fetch(request) });

  const dashboardEndpoints = deps.dashboard ? DASHBOARD_ENDPOINTS : [];
  for (const [path, methods] of allowedMethods([...doors.flatMap((door) => door.endpoints), ...ownEndpoints, ...dashboardEndpoints])) {
    const allow = methods.join(", ");
    app.all(path, (c, next) => {
      // A method the path takes, on a path its routes did not answer (a file not under /static/): the 404.
      if (methods.includes(c.req.method)) return next();
      // The request's path, not the route's: `/static/*` names no file.
      const response = refuse(c, new ProxyError(405, `Method ${c.req.method} is not allowed on ${c.req.path}; use ${allow}.`, { type: "invalid_request_error", code: "method_not_allowed" }));
      response.headers.set("allow", allow);
      return response;
    });
  }

  const endpoints = doors.flatMap((door) => door.endpoints);
  const served = listInWords([...new Set([...endpoints.map((endpoint) => endpoint.path), "/v1/feedback"])]);
  app.notFound((c) =>
    refuse(
      c,
      wrongBaseUrlError(c.req.method, c.req.path, new URL(c.req.url).origin, endpoints) ??
        new ProxyError(404, `Unknown route: ${c.req.method} ${c.req.path}. This proxy serves ${served}.`, { type: "not_found_error", code: "unknown_route" }),
    ),
  );

  // Errors in a door's routes are answered by the door (door-app.ts); these are the proxy's own routes'.
  app.onError((error, c) => {
    const proxyError = error instanceof HTTPException ? new ProxyError(error.status, error.message, { type: "invalid_request_error" }) : toProxyError(error);
    if (proxyError.status >= 500) pipeline.logger.error("unhandled error", { path: c.req.path, error: String(error) });
    return openaiErrorResponse(proxyError);
  });

  return app;
}
