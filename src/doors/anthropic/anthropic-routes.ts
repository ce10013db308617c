import type { Context } from "hono";
import type { PipelineDeps } from "../../pipeline/context";
import { rejectRequest } from "../../pipeline/reject-request";
import { modelNameSchema } from "../../chat/request-schema";
import { ProxyError, invalidRequest } from "../../errors";
import type { Door } from "../door";
import { createDoorApp } from "../door-app";
import { cacheFastPath } from "../fast-hit";
import { requireJsonContentType, validateJsonBody } from "../json-body";
import { anthropicEncoder } from "./anthropic-encoder";
import { countTokens } from "./count-tokens";
import { anthropicModels, isAnthropicClient, modelPage } from "./list-models";
import { countTokensSchema, messagesSchema, parseCountTokensRequest, parseMessagesRequest } from "./messages-schema";
import { defaultModelPolicy, resolveModel } from "./model-policy";
import { toChatRequest } from "./to-chat-request";
import { listedSinceIso } from "../listed-since";
import { keepTurnsAfter } from "../turns-kept-after";

/**
 * The Anthropic door's routes. POST /v1/messages (`?beta=true`, as Claude Code sends it, is just a
 * query string) and POST /v1/messages/count_tokens: validate, translate onto the internal request
 * (to-chat-request.ts), run the pipeline with the Anthropic encoder. GET /v1/models and
 * /v1/models/{id} answer in Anthropic's list shape when the caller is an Anthropic client (it
 * sends `anthropic-version` or `x-api-key`); other callers are passed on to the next door that
 * serves the path (the OpenAI door), which is why this door is listed first in doors/registry.ts.
 */
const startedAt = listedSinceIso();

/** The anthropic-beta header's values ("a,b" and repeated headers alike). */
function betas(headers: Headers): string[] {
  return (headers.get("anthropic-beta") ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

export function anthropicRoutes(door: Door, deps: PipelineDeps) {
  const routes = createDoorApp(door, deps);
  const policy = () => deps.anthropicModelPolicy ?? defaultModelPolicy(deps.directory);
  const translate = (c: Context, body: Parameters<typeof toChatRequest>[0]) => {
    const resolved = resolveModel(body.model, policy(), deps.directory);
    const request = toChatRequest(body, { model: resolved.model, betas: betas(c.req.raw.headers), logger: deps.logger });
    // A large body's turns are kept for the next one that resends them, once the request holds none of them (resent-turns.ts).
    keepTurnsAfter(c.req.raw, request);
    return { request, resolved };
  };

  // The translation reads the anthropic-beta header besides the body: a remembered hit serves only the same value.
  const fastPath = cacheFastPath(door, deps, (headers) => headers.get("anthropic-beta") ?? "");
  routes.post("/v1/messages", requireJsonContentType(door, deps, fastPath.answer), validateJsonBody(door, deps, messagesSchema, parseMessagesRequest, "turns-after"), (c) => {
    const body = c.req.valid("json");
    let translated: ReturnType<typeof translate>;
    try {
      translated = translate(c, body);
    } catch (error) {
      // A block the proxy cannot pass on (a file_id source, tool_use from the user) is refused like any bad input.
      return rejectRequest(deps, { door, http: c.req.raw, requestedModel: body.model, error });
    }
    const { request, resolved } = translated;
    return fastPath.serve(c, { door: door.name, request, requestedModel: body.model, tierHint: resolved.tierHint, encoder: (context) => anthropicEncoder(context.taskId) });
  });

  routes.post("/v1/messages/count_tokens", requireJsonContentType(door, deps), validateJsonBody(door, deps, countTokensSchema, parseCountTokensRequest, "turns-after"), async (c) => {
    const { request, resolved } = translate(c, c.req.valid("json"));
    const count = await countTokens(request, resolved.tierHint, deps, c.req.raw.signal);
    return c.json({ input_tokens: count.tokens }, 200, { "x-token-count-source": count.source });
  });

  routes.get("/v1/models", (c, next) => {
    if (!isAnthropicClient(c.req.raw.headers)) return next();
    return c.json(modelPage(anthropicModels(deps.directory, startedAt), c.req.query()));
  });

  routes.get("/v1/models/:model{.+}", (c, next) => {
    if (!isAnthropicClient(c.req.raw.headers)) return next();
    const name = c.req.param("model");
    const listed = anthropicModels(deps.directory, startedAt).find((model) => model.id === name);
    if (listed) return c.json(listed);
    // A name POST /v1/messages serves exists here too: a Claude name read as a tier hint (auto), a
    // dated Claude name sent to Anthropic as it is (exact), provider:model names.
    // The name is checked as the messages route checks it (no control characters, bounded length).
    const checked = modelNameSchema.safeParse(name);
    if (!checked.success) throw invalidRequest(`model: ${checked.error.issues[0]?.message ?? "invalid model name"}`, "model");
    const resolved = resolveModel(name, policy(), deps.directory);
    if (resolved.tierHint) return c.json({ type: "model", id: name, display_name: `${name} (routed from ${resolved.tierHint.tier})`, created_at: startedAt });
    deps.directory.select(resolved.model);
    if (resolved.model.includes(":")) return c.json({ type: "model", id: name, display_name: name, created_at: startedAt });
    throw new ProxyError(404, `model: ${name}`, { type: "not_found_error" });
  });

  return routes;
}
