import type { Door } from "../door";
import { anthropicErrorResponse } from "./anthropic-error";
import { anthropicRoutes } from "./anthropic-routes";
import { isAnthropicClient } from "./list-models";

/**
 * The Anthropic Messages door (Claude Code, @anthropic-ai/sdk): /v1/messages and its
 * count_tokens, and the Anthropic-shaped model list for Anthropic clients. Everything on
 * /v1/messages is answered in Anthropic's error shape, and so are an Anthropic client's errors on
 * paths no single door serves (door-paths.ts).
 */
export const anthropicDoor: Door = {
  name: "anthropic",
  endpoints: [
    { method: "POST", path: "/v1/messages" },
    { method: "POST", path: "/v1/messages/count_tokens" },
    // Served with the OpenAI door: Anthropic's model list for Anthropic clients.
    { method: "GET", path: "/v1/models" },
  ],
  prefixes: ["/v1/messages"],
  claims: isAnthropicClient,
  errorResponse: anthropicErrorResponse,
  routes: (deps) => anthropicRoutes(anthropicDoor, deps),
};
