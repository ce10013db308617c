import { ProxyError } from "../errors";
import type { DoorEndpoint } from "./door";

/**
 * A served endpoint under one /v1 too many or too few (`/v1/v1/messages`, `/responses`), or with a
 * doubled or trailing slash (`/v1//chat/completions` from a base URL ending in `/`): the client's
 * base URL is wrong, the commonest setup mistake. Answered as a 400 that names the base URL to
 * set, not as a 404: Claude Code prints no 404 body (it blames the model name instead), and prints
 * a 400's message.
 */
export function wrongBaseUrlError(method: string, path: string, origin: string, endpoints: readonly DoorEndpoint[]): ProxyError | undefined {
  const slashes = path.replace(/\/{2,}/g, "/").replace(/(.)\/$/, "$1");
  const meant = `/v1${slashes.replace(/^(\/v1)+/, "")}`;
  if (meant === path || !endpoints.some((endpoint) => endpoint.path === meant)) return undefined;
  const mistake = slashes !== path ? "a doubled or trailing slash" : path.startsWith("/v1/v1") ? "one /v1 too many" : "/v1 missing";
  const message =
    `Wrong base URL: ${method} ${path} is ${meant} with ${mistake}. ` +
    `OpenAI clients (Codex's base_url, OPENAI_BASE_URL) take the base URL ${origin}/v1 (with /v1, no slash at the end); ` +
    `Anthropic clients take it without /v1, as they add it: ANTHROPIC_BASE_URL=${origin} for Claude Code.`;
  return new ProxyError(400, message, { type: "invalid_request_error", code: "wrong_base_url" });
}
