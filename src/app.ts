import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { openaiDoor, openaiErrorResponse } from "./doors/openai-door";
import { ProxyError, invalidRequest, toProxyError } from "./errors";
import type { PipelineDeps } from "./pipeline/context";
import { rejectRequest } from "./pipeline/reject-request";
import { apiRoutes } from "./routes/api";
import { type DashboardDeps, dashboardRoutes } from "./routes/dashboard";
import { feedbackRoutes } from "./routes/feedback";
import { healthRoutes } from "./routes/health";
import { openaiRoutes } from "./routes/openai";

export interface AppDeps {
  pipeline: PipelineDeps;
  maxBodyBytes: number;
  database: string;
  startedAt?: Date;
  /** The browser dashboard and /api/stats; left out, the app serves only the API. */
  dashboard?: Omit<DashboardDeps, "pipeline" | "send">;
}

/** Known paths and the methods they take, for 405 answers. */
const allowedMethods: Record<string, string> = {
  "/v1/chat/completions": "POST",
  "/v1/models": "GET",
  "/v1/feedback": "POST",
  "/api/routing": "GET",
  "/health": "GET",
};

/** Builds the whole HTTP app from its dependencies; no globals, so tests build their own. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const pipeline = deps.pipeline;
  const userAgent = (request: Request) => request.headers.get("user-agent");

  // Every response carries the trace headers, also 404s, 405s and /health.
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("x-task-id")) {
      c.res.headers.set("x-task-id", crypto.randomUUID());
      c.res.headers.set("x-provider", "none");
      c.res.headers.set("x-model", "none");
    }
  });

  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: (c) =>
        rejectRequest(pipeline, {
          door: openaiDoor,
          userAgent: userAgent(c.req.raw),
          error: new ProxyError(413, `The request body is larger than the proxy's limit of ${deps.maxBodyBytes} bytes (MAX_BODY_BYTES).`, {
            type: "invalid_request_error",
            code: "request_too_large",
          }),
        }),
    }),
  );

  app.route("/v1/feedback", feedbackRoutes(pipeline));
  app.route("/v1", openaiRoutes(pipeline));
  app.route("/api", apiRoutes(pipeline));
  app.route("/health", healthRoutes(pipeline, { database: deps.database, startedAt: deps.startedAt ?? new Date() }));
  if (deps.dashboard) app.route("/", dashboardRoutes({ ...deps.dashboard, pipeline, send: async (request) => app.fetch(request) }));

  // A misdirected API call (/v1/embeddings, GET on /v1/chat/completions) is logged like any bad
  // request, so the user sees which client is misconfigured; other paths (favicon.ico) are not.
  const rejectRoute = (request: Request, path: string, error: ProxyError) =>
    path.startsWith("/v1/") ? rejectRequest(pipeline, { door: openaiDoor, userAgent: userAgent(request), error }) : openaiErrorResponse(error);

  for (const [path, method] of Object.entries(allowedMethods)) {
    app.all(path, (c) => {
      const response = rejectRoute(
        c.req.raw,
        path,
        new ProxyError(405, `Method ${c.req.method} is not allowed on ${path}; use ${method}.`, { type: "invalid_request_error", code: "method_not_allowed" }),
      );
      response.headers.set("allow", method);
      return response;
    });
  }

  app.notFound((c) =>
    rejectRoute(
      c.req.raw,
      c.req.path,
      new ProxyError(404, `Unknown route: ${c.req.method} ${c.req.path}. This proxy serves /v1/chat/completions and /v1/models.`, { type: "not_found_error", code: "unknown_route" }),
    ),
  );

  app.onError((error, c) => {
    // Malformed JSON is the one validation failure Hono raises itself.
    if (error instanceof HTTPException && error.status === 400 && c.req.path.startsWith("/v1/chat/")) {
      return rejectRequest(pipeline, {
        door: openaiDoor,
        userAgent: userAgent(c.req.raw),
        error: invalidRequest(`The request body is not valid JSON: ${error.message}`, null, "invalid_json"),
      });
    }
    const proxyError = error instanceof HTTPException ? new ProxyError(error.status, error.message, { type: "invalid_request_error" }) : toProxyError(error);
    if (proxyError.status >= 500) pipeline.logger.error("unhandled error", { path: c.req.path, error: String(error) });
    return openaiErrorResponse(proxyError);
  });

  return app;
}
