import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ProxyError, invalidRequest, toProxyError } from "../errors";
import type { PipelineDeps } from "../pipeline/context";
import { rejectRequest } from "../pipeline/reject-request";
import type { Door } from "./door";

/**
 * The Hono app a door's routes are registered on: whatever fails inside them is answered in the
 * door's error shape. Malformed JSON, the one validation failure Hono raises itself, is refused
 * and logged like any invalid request.
 */
export function createDoorApp(door: Door, deps: PipelineDeps): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 400) {
      return rejectRequest(deps, { door, http: c.req.raw, error: invalidRequest(`The request body is not valid JSON: ${error.message}`, null, "invalid_json") });
    }
    const proxyError = error instanceof HTTPException ? new ProxyError(error.status, error.message, { type: "invalid_request_error" }) : toProxyError(error);
    if (proxyError.status >= 500) deps.logger.error("unhandled error", { path: c.req.path, error: String(error) });
    return door.errorResponse(proxyError);
  });
  return app;
}
