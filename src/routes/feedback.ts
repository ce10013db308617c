import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { validationError } from "../chat/format-validation-error";
import { openaiErrorResponse } from "../doors/openai/openai-error";
import { ProxyError } from "../errors";
import { parseRating } from "../feedback/parse-feedback-command";
import type { PipelineDeps } from "../pipeline/context";

const feedbackBody = z.object({
  task_id: z.uuid("task_id must be the x-task-id of an earlier response"),
  rating: z.union([z.number(), z.string()]).refine((value) => parseRating(value) !== undefined, "rating must be 1, -1, \"good\" or \"bad\""),
  comment: z.string().max(2000).nullish(),
});

/** POST /v1/feedback {task_id, rating, comment}: rates any earlier answer by its x-task-id. */
export function feedbackRoutes(deps: PipelineDeps): Hono {
  const routes = new Hono();
  routes.post(
    "/",
    zValidator("json", feedbackBody, (result) => {
      if (!result.success) return openaiErrorResponse(validationError(result.error));
    }),
    async (c) => {
      const body = c.req.valid("json");
      const rating = parseRating(body.rating)!;
      const result = await deps.feedback.submit(body.task_id, rating, body.comment ?? null, "api");
      if (!result.ok) {
        if (result.why === "not_answered") return openaiErrorResponse(new ProxyError(400, result.reason, { type: "invalid_request_error", code: "task_not_answered", param: "task_id" }));
        return openaiErrorResponse(new ProxyError(404, result.reason, { type: "not_found_error", code: "task_not_found", param: "task_id" }));
      }
      return c.json({ object: "feedback", task_id: body.task_id, rating, comment: result.comment, provider: result.target.provider, model: result.target.model });
    },
  );
  return routes;
}
