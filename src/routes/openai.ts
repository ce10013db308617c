import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { chatRequestSchema } from "../chat/request-schema";
import { validationError } from "../chat/format-validation-error";
import { openaiDoor } from "../doors/openai-door";
import { invalidRequest } from "../errors";
import type { PipelineDeps } from "../pipeline/context";
import { rejectRequest } from "../pipeline/reject-request";
import { runPipeline } from "../pipeline/run-pipeline";
import { sessionKey } from "../pipeline/session-key";
import { listModels } from "./list-models";

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
          sessionKey: sessionKey(request, c.req.header("x-session-id")),
          attempts: [],
        },
        deps,
      );
    },
  );

  routes.get("/models", (c) => c.json({ object: "list", data: listModels(deps.directory) }));

  routes.get("/models/:model{.+}", (c) => {
    const name = c.req.param("model");
    deps.directory.select(name);
    const listed = listModels(deps.directory).find((model) => model.id === name);
    return c.json(listed ?? { id: name, object: "model", created: Math.floor(Date.now() / 1000), owned_by: "claude-proxy" });
  });

  return routes;
}
