import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Door, DoorEndpoint } from "./doors/door";
import { allowedMethods, doorForPath, listInWords } from "./doors/door-paths";
import { openaiErrorResponse } from "./doors/openai/openai-error";
import { doors as registeredDoors } from "./doors/registry";
import { ProxyError, toProxyError } from "./errors";
import type { PipelineDeps } from "./pipeline/context";
import { rejectRequest } from "./pipeline/reject-request";
import { apiRoutes } from "./routes/api";
import { feedbackRoutes } from "./routes/feedback";
import { healthRoutes } from "./routes/health";

export interface AppDeps {
  pipeline: PipelineDeps;
  maxBodyBytes: number;
  database: string;
  startedAt?: Date;
  /** The front doors to mount: every door of doors/registry.ts unless the caller picks. */
  doors?: readonly Door[];
}

/** The proxy's own routes, beside the doors' endpoints in the 405 table. */
const ownEndpoints: DoorEndpoint[] = [
  { method: "POST", path: "/v1/feedback" },
  { method: "GET", path: "/api/routing" },
  { method: "GET", path: "/api/cache" },
  { method: "GET", path: "/api/compression" },
  { method: "GET", path: "/api/budgets" },
  { method: "PUT", path: "/api/budgets" },
  { method: "GET", path: "/health" },
];

/** Builds the whole HTTP app from its dependencies; no globals, so tests build their own. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const pipeline = deps.pipeline;
  const doors = deps.doors ?? registeredDoors;

  // A refusal on a door's ground is answered in that door's shape and logged, so the user sees
  // which client is misconfigured (/v1/embeddings, GET on /v1/chat/completions); other paths
  // (favicon.ico) get the proxy's own (OpenAI) error shape and no row.
  const refuse = (c: Context, error: ProxyError) => {
    const door = doorForPath(doors, c.req.path);
    return door ? rejectRequest(pipeline, { door, http: c.req.raw, error }) : openaiErrorResponse(error);
  };

  // Every response carries the trace headers, also 404s, 405s and /health.
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("x-task-id")) {
      c.res.headers.set("x-task-id", crypto.randomUUID());
      c.res.headers.set("x-provider", "none");
      c.res.headers.set("x-model", "none");
    }
  });

  const limitBody = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: (c) =>
      refuse(
        c,
        new ProxyError(413, `The request body is larger than the proxy's limit of ${deps.maxBodyBytes} bytes (MAX_BODY_BYTES).`, {
          type: "invalid_request_error",
          code: "request_too_large",
        }),
      ),
  });
  app.use("*", (c, next) => (doorForPath(doors, c.req.path) ? limitBody(c, next) : next()));

  app.route("/v1/feedback", feedbackRoutes(pipeline));
  for (const door of doors) app.route("/", door.routes(pipeline));
  app.route("/api", apiRoutes(pipeline));
  app.route("/health", healthRoutes(pipeline, { database: deps.database, startedAt: deps.startedAt ?? new Date() }));

  for (const [path, methods] of allowedMethods([...doors.flatMap((door) => door.endpoints), ...ownEndpoints])) {
    const allow = methods.join(", ");
    app.all(path, (c) => {
      const response = refuse(c, new ProxyError(405, `Method ${c.req.method} is not allowed on ${path}; use ${allow}.`, { type: "invalid_request_error", code: "method_not_allowed" }));
      response.headers.set("allow", allow);
      return response;
    });
  }

  const served = listInWords([...new Set(doors.flatMap((door) => door.endpoints.map((endpoint) => endpoint.path)))]);
  app.notFound((c) =>
    refuse(c, new ProxyError(404, `Unknown route: ${c.req.method} ${c.req.path}. This proxy serves ${served}.`, { type: "not_found_error", code: "unknown_route" })),
  );

  // Errors in a door's routes are answered by the door (door-app.ts); these are the proxy's own routes'.
  app.onError((error, c) => {
    const proxyError = error instanceof HTTPException ? new ProxyError(error.status, error.message, { type: "invalid_request_error" }) : toProxyError(error);
    if (proxyError.status >= 500) pipeline.logger.error("unhandled error", { path: c.req.path, error: String(error) });
    return openaiErrorResponse(proxyError);
  });

  return app;
}
