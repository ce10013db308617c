import type { Door } from "../door";
import { openaiErrorResponse } from "./openai-error";
import { openaiRoutes } from "./openai-routes";

/** The OpenAI chat-completions door: /v1/chat/completions and /v1/models, and every other /v1/ path's errors. */
export const openaiDoor: Door = {
  name: "openai",
  endpoints: [
    { method: "POST", path: "/v1/chat/completions" },
    { method: "GET", path: "/v1/models" },
  ],
  prefixes: ["/v1/"],
  errorResponse: openaiErrorResponse,
  routes: (deps) => openaiRoutes(openaiDoor, deps),
};
