import type OpenAI from "openai";
import { collectChunks } from "../../chat/collect-chunks";
import { chunkStream, completionChunks } from "../../chat/completion-chunks";
import type { ChatCompletion, ChatCompletionChunk } from "../../chat/types";
import type { Logger } from "../../logger";
import { sseDecoderTransformer } from "../../streams/sse-decoder";
import { fuseTransformers, pullThrough } from "../../streams/sync-transformer";
import { openAIChunkTransformer } from "../../stream-transformers/openai-chunks";
import { requireArrayField, unreadableResponse } from "../unreadable-response";
import { createDirectChatCall } from "./direct-chat-call";
import type { LLMProvider, ProviderCall, ProviderCapabilities, ProviderModel } from "../types";
import { mapOpenAIError } from "./map-openai-error";
import { type RequestTemplateSource, sdkRequestTemplate } from "./sdk-request-template";
import { wireRulesRejection } from "./rejection-reason";
import { streamViaResponsesApi, usesResponsesApi } from "./responses-api-call";
import { type OpenAIRequestOptions, toOpenAIRequest } from "./to-openai-request";
import { UpstreamToolNames } from "./upstream-tool-names";
import { keepMatchedStopSequence } from "../../stream-transformers/matched-stop-sequence";
import { createToolCallId, hasToolCallId } from "../../stream-transformers/tool-call-id";

/**
 * Shared by every provider that speaks the OpenAI chat-completions wire format (OpenAI, Ollama,
 * custom endpoints). Chat completions go out through direct-chat-call.ts (the SDK's bytes, without
 * its per-request cost); the Responses API path uses the `openai` SDK. streams/sse-decoder reads a
 * stream's events. Retries are off because the router, not the SDK, decides what to try next.
 * The SDK (236 modules, ~6 MiB of resident memory) is loaded only by a call that needs it: the
 * Responses API path, or chat headers that sdk-request-template.ts does not build.
 */
export interface OpenAICompatibleOptions extends OpenAIRequestOptions {
  id: string;
  displayName: string;
  baseUrl: string;
  apiKey: string;
  capabilities: ProviderCapabilities;
  billing?: LLMProvider["billing"];
  listModels(): Promise<ProviderModel[]>;
  logger: Logger;
  fetch?: typeof fetch;
}

export function createOpenAICompatibleProvider(options: OpenAICompatibleOptions): LLMProvider {
  let client: Promise<OpenAI> | undefined;
  const sdkClient = () =>
    (client ??= import("openai").then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: options.apiKey,
          baseURL: options.baseUrl,
          maxRetries: 0,
          // The dispatcher owns timeouts (UPSTREAM_TIMEOUT_MS); this only bounds a stream that hangs forever.
          timeout: 60 * 60 * 1000,
          fetch: options.fetch,
        }),
    ));
  // The chat path's URL and headers are the SDK's, built without it unless the SDK would add more.
  const template: RequestTemplateSource = sdkRequestTemplate(options) ?? { buildRequest: async (request) => (await sdkClient()).buildRequest(request) };
  const chat = createDirectChatCall(template, options.fetch);
  const body = (call: ProviderCall) => toOpenAIRequest(call.request, call.model, options, options.logger);

  return {
    id: options.id,
    displayName: options.displayName,
    capabilities: options.capabilities,
    billing: options.billing,
    listModels: options.listModels,
    rejectionReason: (request, model) => wireRulesRejection(request, model, options.modelRules?.(model)),

    async complete(original) {
      // Tool names the upstream would refuse go out shortened and come back as the client's.
      const names = UpstreamToolNames.of(original.request);
      const call = names ? { ...original, request: names.request(original.request) } : original;
      try {
        const completion = await completeCall(call);
        return names ? names.completion(completion) : completion;
      } catch (error) {
        throw mapOpenAIError(error, options.displayName);
      }
    },

    async stream(original) {
      const names = UpstreamToolNames.of(original.request);
      const call = names ? { ...original, request: names.request(original.request) } : original;
      try {
        const chunks = await streamCall(call);
        return names ? names.chunks(chunks) : chunks;
      } catch (error) {
        throw mapOpenAIError(error, options.displayName);
      }
    },
  };

  async function completeCall(call: ProviderCall): Promise<ChatCompletion> {
    const rules = options.modelRules?.(call.model);
    if (usesResponsesApi(call, rules)) return await collectChunks(await streamViaResponsesApi(await sdkClient(), call, rules, options.logger));
    return usableCompletion(await chat.read(await chat.send(body(call), call.signal)));
  }

  /** A parsed 200 answer checked to hold an answer, with a `reasoning` field under its chat name. */
  function usableCompletion(parsed: unknown): ChatCompletion {
    const completion = requireArrayField<ChatCompletion & { choices: Array<{ message: { reasoning?: string } }> }>(parsed, "choices", options.displayName);
    // A 200 without a choice, or with one that has no message (what some gateways send when their
    // own upstream failed), is no answer: a retryable 502 that falls back, not an empty "complete" one.
    if (completion.choices.length === 0) throw unreadableResponse(options.displayName, "a completion without any choice");
    for (const choice of completion.choices) {
      const message = choice?.message;
      if (typeof message !== "object" || message === null) throw unreadableResponse(options.displayName, "a choice without a message");
      keepMatchedStopSequence(choice);
      // Some compatible servers send a tool call without an id; a client cannot answer it without one.
      for (const call of message.tool_calls ?? []) if (!hasToolCallId(call)) call.id = createToolCallId();
      if (typeof message.reasoning === "string" && message.reasoning_content === undefined) {
        message.reasoning_content = message.reasoning;
        delete message.reasoning;
      }
    }
    return completion;
  }

  async function streamCall(call: ProviderCall): Promise<ReadableStream<ChatCompletionChunk>> {
    const rules = options.modelRules?.(call.model);
    if (usesResponsesApi(call, rules)) return await streamViaResponsesApi(await sdkClient(), call, rules, options.logger);
    // The body's SSE is decoded here, at a fraction of the cost of the SDK's per-event
    // async-generator chain, in one stream stage (decoder and chunk transformer fused).
    // Cancelling the chunk stream cancels the body, which closes the upstream connection.
    const response = await chat.send(body(call), call.signal);
    // A server that ignores `stream: true` answers with one JSON completion: a whole answer, sent on as its chunks.
    const mediaType = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (mediaType === "application/json") return chunkStream(completionChunks(usableCompletion(await chat.read(response))));
    const stream = chat.stream(response);
    if (!stream) throw new Error(`${options.displayName} answered a stream request without a body.`);
    return pullThrough(stream, fuseTransformers(sseDecoderTransformer(), openAIChunkTransformer(call.model)));
  }
}
