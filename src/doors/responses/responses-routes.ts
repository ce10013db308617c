import type { PipelineDeps } from "../../pipeline/context";
import { createContext } from "../../pipeline/create-context";
import { rejectRequest } from "../../pipeline/reject-request";
import { runPipeline } from "../../pipeline/run-pipeline";
import type { Door } from "../door";
import { createDoorApp } from "../door-app";
import { requireJsonContentType, validateJsonBody } from "../json-body";
import { createResponseContext, responseIdFor } from "./response-object";
import { responsesEncoder } from "./responses-encoder";
import { responsesRequestSchema } from "./responses-request-schema";
import { type TranslatedRequest, toChatRequest } from "./to-chat-request";

/** The Responses door's route: POST /v1/responses. Validate, translate onto the chat shape, run, encode back. */
export function responsesRoutes(door: Door, deps: PipelineDeps) {
  const routes = createDoorApp(door, deps);

  routes.post("/v1/responses", requireJsonContentType(door, deps), validateJsonBody(door, deps, responsesRequestSchema), (c) => {
    const source = c.req.valid("json");
    let translated: TranslatedRequest;
    try {
      translated = toChatRequest(source, deps.logger);
    } catch (error) {
      // An input the internal shape cannot hold (an unsupported item, a forced hosted tool): refused and logged.
      return rejectRequest(deps, { door, http: c.req.raw, requestedModel: source.model, error });
    }
    const context = createContext({ door: door.name, request: translated.request, http: c.req.raw });
    const responseContext = createResponseContext(responseIdFor(context.taskId), source, translated.names);
    return runPipeline(context, responsesEncoder(responseContext), deps);
  });

  return routes;
}
