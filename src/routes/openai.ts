import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { chatRequestSchema } from "../chat/request-schema";
import { validationError } from "../chat/format-validation-error";
import { openaiDoor } from "../doors/openai-door";
import { invalidRequest } from "../errors";
import type { PipelineDeps } from "../pipeline/context";
import { rejectRequest } from "../pipeline/reject-request";
import { runPipeline } from "../pipeline/run-pipeline";

/** The OpenAI door: POST /v1/chat/completions and GET /v1/models. Thin: validate, run, return. */
export function openaiRoutes(deps: PipelineDeps): Hono {
  const routes = new Hono();

  routes.post(
    "/chat/completions",
    async (c, next) => {
      const contentType = c.req.header("content-type") ?? "";
      if (!/json/i.test(contentType)) {
        return rejectRequest(deps, {
          door: openaiDoor,
          userAgent: c.req.header("user-agent") ?? null,
          error: invalidRequest("The request body must be JSON sent with 'Content-Type: application/json'.", null, "invalid_content_type"),
        });
      }
      await next();
    },
    zValidator("json", chatRequestSchema, (result, c) => {
      if (result.success) return;
      const body = result.data as { model?: unknown } | undefined;
      return rejectRequest(deps, {
        door: openaiDoor,
        userAgent: c.req.header("user-agent") ?? null,
        requestedModel: body?.model,
        error: validationError(result.error),
      });
    }),
    (c) => {
      const request = c.req.valid("json");
      return runPipeline(
        {
          taskId: crypto.randomUUID(),
          door: openaiDoor,
          receivedAt: new Date(),
          startedAt: performance.now(),
          request,
          userAgent: c.req.header("user-agent") ?? null,
          promptBytes: Number(c.req.header("content-length") ?? 0) || JSON.stringify(request.messages).length,
          clientSignal: c.req.raw.signal,
          attempts: [],
        },
        deps,
      );
    },
  );

  routes.get("/models", (c) => {
    const created = Math.floor(Date.now() / 1000);
    const data = deps.directory.all().map((candidate) => ({
      id: deps.directory.publicName(candidate),
      object: "model" as const,
      created,
      owned_by: candidate.provider.id,
    }));
    return c.json({ object: "list", data });
  });

  routes.get("/models/:model{.+}", (c) => {
    const candidate = deps.directory.resolve(c.req.param("model"));
    return c.json({ id: deps.directory.publicName(candidate), object: "model", created: Math.floor(Date.now() / 1000), owned_by: candidate.provider.id });
  });

  return routes;
}
