import type { PipelineDeps } from "../../pipeline/context";
import { createContext } from "../../pipeline/create-context";
import { runPipeline } from "../../pipeline/run-pipeline";
import type { Door } from "../door";
import { createDoorApp } from "../door-app";
import { requireJsonContentType, validateJsonBody } from "../json-body";
import { listModels } from "./list-models";
import { openaiEncoder } from "./openai-encoder";
import { openaiChatRequestSchema, parseOpenAIChatRequest } from "./openai-request-schema";

/** The OpenAI door's routes: POST /v1/chat/completions and GET /v1/models. Thin: validate, run, return. */
export function openaiRoutes(door: Door, deps: PipelineDeps) {
  const routes = createDoorApp(door, deps);

  // The chat request is the internal representation already, OpenAI's extra tool kinds lifted into their extension.
  routes.post("/v1/chat/completions", requireJsonContentType(door, deps), validateJsonBody(door, deps, openaiChatRequestSchema, parseOpenAIChatRequest), (c) => {
    const request = c.req.valid("json");
    return runPipeline(createContext({ door: door.name, request, http: c.req.raw }), openaiEncoder(request), deps);
  });

  routes.get("/v1/models", (c) => c.json({ object: "list", data: listModels(deps.directory) }));

  routes.get("/v1/models/:model{.+}", (c) => {
    const name = c.req.param("model");
    deps.directory.select(name);
    const listed = listModels(deps.directory).find((model) => model.id === name);
    return c.json(listed ?? { id: name, object: "model", created: Math.floor(Date.now() / 1000), owned_by: "claude-proxy" });
  });

  return routes;
}
