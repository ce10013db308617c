import type { PipelineDeps } from "../../pipeline/context";
import { rejectRequest } from "../../pipeline/reject-request";
import type { Door } from "../door";
import { createDoorApp } from "../door-app";
import { cacheFastPath } from "../fast-hit";
import { requireJsonContentType, validateJsonBody } from "../json-body";
import { createResponseContext, responseIdFor } from "./response-object";
import { responsesEncoder } from "./responses-encoder";
import { responsesRequestSchema } from "./responses-request-schema";
import { type TranslatedRequest, toChatRequest } from "./to-chat-request";

/** The Responses door's route: POST /v1/responses. Validate, translate onto the chat shape, run, encode back. */
export function responsesRoutes(door: Door, deps: PipelineDeps) {
  const routes = createDoorApp(door, deps);

  const fastPath = cacheFastPath(door, deps);
  routes.post("/v1/responses", requireJsonContentType(door, deps, fastPath.answer), validateJsonBody(door, deps, responsesRequestSchema), (c) => {
    const source = c.req.valid("json");
    let translated: TranslatedRequest;
    try {
      translated = toChatRequest(source, deps.logger);
    } catch (error) {
      // An input the internal shape cannot hold (an unsupported item, a forced hosted tool): refused and logged.
      return rejectRequest(deps, { door, http: c.req.raw, requestedModel: source.model, error });
    }
    const { request, names, origins } = translated;
    return fastPath.serve(c, { door: door.name, request, encoder: (context) => responsesEncoder(createResponseContext(responseIdFor(context.taskId), source, names), origins) });
  });

  return routes;
}
