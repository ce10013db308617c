import { type ErrorHandler, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ProxyError, invalidRequest, toProxyError } from "../errors";
import type { PipelineDeps } from "../pipeline/context";
import { rejectRequest } from "../pipeline/reject-request";
import type { Door } from "./door";

/**
 * The Hono app a door's routes are registered on: whatever fails inside them is answered in the
 * door's error shape and logged like any refused request (every request leaves a row): malformed
 * JSON, the one validation failure Hono raises itself, and whatever a route throws (a block
 * count_tokens cannot translate, a model lookup for a name no model has).
 */
export function createDoorApp(door: Door, deps: PipelineDeps): Hono {
  const app = new Hono();
  const onError: ErrorHandler = (error, c) => {
    const proxyError =
      error instanceof HTTPException
        ? error.status === 400
          ? invalidRequest(`The request body is not valid JSON: ${error.message}`, null, "invalid_json")
          : new ProxyError(error.status, error.message, { type: "invalid_request_error" })
        : toProxyError(error);
    if (proxyError.status >= 500) deps.logger.error("unhandled error", { path: c.req.path, error: String(error) });
    return rejectRequest(deps, { door, http: c.req.raw, requestedModel: routeModel(c.req.param()), error: proxyError });
  };
  app.onError(onError);
  doorErrorHandlers.set(app, onError);
  return app;
}

/** Each door app's error handler, for mounting its routes without Hono's per-handler wrapper (mount-door-routes.ts). */
const doorErrorHandlers = new WeakMap<Hono, ErrorHandler>();

export function doorErrorHandler(app: Hono): ErrorHandler | undefined {
  return doorErrorHandlers.get(app);
}

/** The model a route names in its path (`/v1/models/{model}`), if it does. */
function routeModel(params: Record<string, string>): string | undefined {
  return typeof params.model === "string" ? params.model : undefined;
}
