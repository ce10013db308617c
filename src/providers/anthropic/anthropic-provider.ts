import Anthropic from "@anthropic-ai/sdk";
import type { Stream } from "@anthropic-ai/sdk/core/streaming";
import type { Message, MessageTokensCount, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { Config } from "../../config";
import type { Logger } from "../../logger";
import type { ModelCatalog } from "../../catalog/model-catalog";
import { anthropicEventTransformer } from "../../stream-transformers/anthropic-events";
import { asyncIterableToStream } from "../../streams/async-iterable-stream";
import { pullThrough } from "../../streams/sync-transformer";
import { requireArrayField, unreadableResponse } from "../unreadable-response";
import type { LLMProvider, ProviderCall, ProviderFactoryContext } from "../types";
import { fromAnthropicMessage } from "./from-anthropic-message";
import { mapAnthropicError } from "./map-anthropic-error";
import { toCountTokensBody } from "./to-count-tokens-body";
import { type AnthropicModelTraits, type AnthropicRequestBody, toAnthropicRequest } from "./to-anthropic-request";

/**
 * The Anthropic Messages API through `@anthropic-ai/sdk`; active when ANTHROPIC_API_KEY is set.
 * Its models are the catalog's `anthropic` entries, which also say how far each model can go
 * (maximum output, thinking, structured outputs). SDK retries are off: the router decides what
 * to try next.
 */
export interface AnthropicProviderOptions {
  apiKey: string;
  /** Without /v1 (the SDK adds it); undefined means api.anthropic.com. */
  baseUrl: string | undefined;
  catalog: ModelCatalog;
  logger: Logger;
  fetch?: typeof fetch;
}

const displayName = "Anthropic";

/** Accepts ANTHROPIC_BASE_URL with or without a trailing /v1, as users write it both ways. */
export function normalizeAnthropicBaseUrl(baseUrl: string | undefined): string | undefined {
  return baseUrl?.replace(/\/+$/, "").replace(/\/v1$/, "");
}

export function createAnthropicProvider(options: AnthropicProviderOptions): LLMProvider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    // Explicit null: the SDK would otherwise also read ANTHROPIC_AUTH_TOKEN from the environment.
    authToken: null,
    baseURL: normalizeAnthropicBaseUrl(options.baseUrl),
    maxRetries: 0,
    // The dispatcher owns timeouts (UPSTREAM_TIMEOUT_MS); this only bounds a stream that hangs forever.
    timeout: 60 * 60 * 1000,
    fetch: options.fetch,
  });
  const traits = (model: string): AnthropicModelTraits => {
    const entry = options.catalog.get("anthropic", model);
    return { maxOutput: entry?.maxOutput, reasoning: entry?.capabilities.reasoning ?? false, structuredOutputs: entry?.capabilities.json ?? false };
  };
  const body = (call: ProviderCall): AnthropicRequestBody => toAnthropicRequest(call.request, call.model, traits(call.model), options.logger);
  /**
   * POST /v1/messages through the SDK's generic `post`: the same request, headers, SSE parsing
   * and errors as `client.messages.create`, without the console.warn that `create` prints on
   * every call for models the SDK lists as deprecated (claude-sonnet-4-5 among them) or that get
   * `thinking.type: "enabled"` where it wants "adaptive", which would break the proxy's
   * one-JSON-line-per-event log. Which thinking form a model takes is in anthropic-model-rules.ts.
   */
  const postMessages = <Response>(call: ProviderCall, stream: boolean) =>
    client.post<Response>("/v1/messages", { body: { ...body(call), stream }, stream, signal: call.signal, headers: betaHeader(call) });
  /** The client's `anthropic-beta` values (from the Anthropic door), sent as the header they came in. */
  const betaHeader = (call: ProviderCall) => {
    const betas = call.request.anthropic?.betas ?? [];
    return betas.length > 0 ? { "anthropic-beta": betas.join(",") } : undefined;
  };
  const models = options.catalog.forProvider("anthropic").map((entry) => ({ id: entry.model, contextWindow: entry.contextWindow }));

  return {
    id: "anthropic",
    displayName,
    capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true, toolReferences: true, serverTools: true },
    listModels: async () => models,

    async complete(call) {
      try {
        return fromAnthropicMessage(requireArrayField<Message>(await postMessages<unknown>(call, false), "content", displayName));
      } catch (error) {
        throw mapAnthropicError(error, displayName);
      }
    },

    async countTokens(call) {
      try {
        const counted = await client.post<MessageTokensCount>("/v1/messages/count_tokens", {
          body: toCountTokensBody(body(call)),
          signal: call.signal,
          headers: betaHeader(call),
        });
        // An HTML page or JSON of another shape comes back from the SDK as whatever it parsed.
        const count: unknown = (counted as { input_tokens?: unknown } | null | undefined)?.input_tokens;
        if (typeof count !== "number" || !Number.isFinite(count) || count < 0) throw unreadableResponse(displayName, "a count without a numeric input_tokens");
        return count;
      } catch (error) {
        throw mapAnthropicError(error, displayName);
      }
    },

    async stream(call) {
      try {
        const upstream = await postMessages<Stream<RawMessageStreamEvent>>(call, true);
        const events = asyncIterableToStream<RawMessageStreamEvent>(upstream, {
          onCancel: () => upstream.controller.abort(),
          // A mid-stream `event: error` or a cut connection becomes a mapped ProxyError, then an error chunk.
          mapError: (error) => mapAnthropicError(error, displayName),
        });
        // One pulled chain from the SDK's events to the client (streams/pull-chain.ts).
        return pullThrough(events, anthropicEventTransformer(call.model));
      } catch (error) {
        throw mapAnthropicError(error, displayName);
      }
    },
  };
}

export async function createAnthropicProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  if (!config.anthropic.apiKey) return [];
  return [createAnthropicProvider({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl, catalog, logger: context.logger, fetch: context.fetch })];
}
