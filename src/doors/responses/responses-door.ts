import type { Door } from "../door";
import { openaiErrorResponse } from "../openai/openai-error";
import { responsesRoutes } from "./responses-routes";

/**
 * The OpenAI Responses door (Codex's only wire format): POST /v1/responses, translated onto the
 * internal chat shape and answered as a `response` object or Responses events. Its errors are
 * OpenAI's shape; every path under /v1/responses is its ground (GET /v1/responses/{id} is an
 * unknown route here: nothing is stored).
 */
export const responsesDoor: Door = {
  name: "responses",
  endpoints: [{ method: "POST", path: "/v1/responses" }],
  prefixes: ["/v1/responses"],
  errorResponse: openaiErrorResponse,
  routes: (deps) => responsesRoutes(responsesDoor, deps),
};
