import type { Door } from "../door";
import { anthropicErrorResponse } from "./anthropic-error";
import { anthropicRoutes } from "./anthropic-routes";

/**
 * The Anthropic Messages door (Claude Code, @anthropic-ai/sdk): /v1/messages and its
 * count_tokens, and the Anthropic-shaped model list for Anthropic clients. Everything on
 * /v1/messages is answered in Anthropic's error shape.
 */
export const anthropicDoor: Door = {
  name: "anthropic",
  endpoints: [
    { method: "POST", path: "/v1/messages" },
    { method: "POST", path: "/v1/messages/count_tokens" },
  ],
  prefixes: ["/v1/messages"],
  errorResponse: anthropicErrorResponse,
  routes: (deps) => anthropicRoutes(anthropicDoor, deps),
};
