import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import { validationError } from "../chat/format-validation-error";
import { invalidRequest } from "../errors";
import type { PipelineDeps } from "../pipeline/context";
import { type RejectingDoor, rejectRequest } from "../pipeline/reject-request";

/**
 * The checks in front of a door's POST handler, each refusal logged and answered in the door's
 * shape: the body must be sent as JSON, and must pass the door's request schema (a failure names
 * the field, never zod's raw output).
 */
export function requireJsonContentType(door: RejectingDoor, deps: PipelineDeps): MiddlewareHandler {
  return async (c, next) => {
    if (!/json/i.test(c.req.header("content-type") ?? "")) {
      return rejectRequest(deps, {
        door,
        http: c.req.raw,
        error: invalidRequest("The request body must be JSON sent with 'Content-Type: application/json'.", null, "invalid_content_type"),
      });
    }
    await next();
  };
}

export function validateJsonBody<T extends z.ZodType>(door: RejectingDoor, deps: PipelineDeps, schema: T) {
  return zValidator("json", schema, (result, c) => {
    if (result.success) return;
    const body = result.data as { model?: unknown } | undefined;
    return rejectRequest(deps, { door, http: c.req.raw, requestedModel: body?.model, error: validationError(result.error) });
  });
}
