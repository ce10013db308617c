import type { PipelineDeps } from "../../pipeline/context";
import type { Door } from "../door";
import { createDoorApp } from "../door-app";
import { cacheFastPath } from "../fast-hit";
import { requireJsonContentType, validateJsonBody } from "../json-body";
import { listModels } from "./list-models";
import { listedSinceSeconds } from "../listed-since";
import { openaiEncoder } from "./openai-encoder";
import { openaiChatRequestSchema, parseOpenAIChatRequest } from "./openai-request-schema";

/** The OpenAI door's routes: POST /v1/chat/completions and GET /v1/models. Thin: validate, run, return. */
export function openaiRoutes(door: Door, deps: PipelineDeps) {
  const routes = createDoorApp(door, deps);

  // The chat request is the internal representation already, OpenAI's extra tool kinds lifted into their extension.
  const fastPath = cacheFastPath(door, deps);
  routes.post("/v1/chat/completions", requireJsonContentType(door, deps, fastPath.answer), validateJsonBody(door, deps, openaiChatRequestSchema, parseOpenAIChatRequest, "client-json"), (c) => {
    const request = c.req.valid("json");
    return fastPath.serve(c, { door: door.name, request, encoder: () => openaiEncoder(request) });
  });

  routes.get("/v1/models", (c) => c.json({ object: "list", data: listModels(deps.directory) }));

  routes.get("/v1/models/:model{.+}", (c) => {
    const name = c.req.param("model");
    deps.directory.select(name);
    const listed = listModels(deps.directory).find((model) => model.id === name);
    return c.json(listed ?? { id: name, object: "model", created: listedSinceSeconds(), owned_by: "claude-proxy" });
  });

  return routes;
}
