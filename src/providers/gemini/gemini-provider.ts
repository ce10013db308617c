import { GoogleGenAI } from "@google/genai";
import type { Config } from "../../config";
import type { Logger } from "../../logger";
import type { ModelCatalog } from "../../catalog/model-catalog";
import { asyncIterableToStream } from "../../streams/async-iterable-stream";
import { pullThrough } from "../../streams/sync-transformer";
import { geminiChunkTransformer } from "../../stream-transformers/gemini-chunks";
import { requireArrayField } from "../unreadable-response";
import type { LLMProvider, ProviderCall, ProviderFactoryContext, ProviderModel } from "../types";
import { fromGeminiResponse } from "./from-gemini-response";
import { splitGeminiBaseUrl } from "./gemini-base-url";
import { mapGeminiError } from "./map-gemini-error";
import { ThoughtSignatureStore } from "./thought-signature-store";
import { toGeminiRequest } from "./to-gemini-request";

/** Google Gemini through `@google/genai`; active when GEMINI_API_KEY is set. Its models are the catalog's. */
export async function createGeminiProviders(config: Config, catalog: ModelCatalog, context: ProviderFactoryContext): Promise<LLMProvider[]> {
  if (!config.gemini.apiKey) return [];
  const models = catalog.forProvider("gemini").map((entry) => ({ id: entry.model, contextWindow: entry.contextWindow }));
  const maxOutput = (model: string) => catalog.get("gemini", model)?.maxOutput;
  return [createGeminiProvider({ apiKey: config.gemini.apiKey, baseUrl: config.gemini.baseUrl, models, maxOutput, logger: context.logger, fetch: context.fetch })];
}

export interface GeminiProviderOptions {
  apiKey: string;
  baseUrl?: string;
  models: ProviderModel[];
  /** A model's maximum output tokens, from the catalog. */
  maxOutput?(model: string): number | undefined;
  logger: Logger;
  fetch?: typeof fetch;
}

export function createGeminiProvider(options: GeminiProviderOptions): LLMProvider {
  const { baseUrl, apiVersion } = splitGeminiBaseUrl(options.baseUrl);
  // Everything explicit, so the SDK's own environment variables (GOOGLE_GENAI_USE_VERTEXAI,
  // GOOGLE_GEMINI_BASE_URL, GOOGLE_API_KEY) cannot redirect the proxy. Passing `fetch` also
  // keeps the SDK from attaching an undici dispatcher that Bun's fetch does not use. Retries
  // stay off (the default): the router, not the SDK, decides what to try next.
  const client = new GoogleGenAI({
    vertexai: false,
    apiKey: options.apiKey,
    apiVersion,
    httpOptions: { baseUrl, fetch: options.fetch ?? globalThis.fetch },
  });
  const signatures = new ThoughtSignatureStore();
  const remember = (toolCallId: string, signature: string) => signatures.remember(toolCallId, signature);
  const parameters = (call: ProviderCall, signal: AbortSignal) => {
    const translated = toGeminiRequest(call.request, call.model, { logger: options.logger, maxOutput: options.maxOutput?.(call.model), signatureFor: (id) => signatures.recall(id) });
    // Automatic continuation would silently re-request; one call is one upstream request here.
    return { ...translated, config: { ...translated.config, abortSignal: signal, automaticContinuation: false } };
  };

  return {
    id: "gemini",
    displayName: "Google Gemini",
    capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true },
    modelInPath: true,
    listModels: async () => options.models,

    async complete(call) {
      try {
        const response = await client.models.generateContent(parameters(call, call.signal));
        // Only a prompt Gemini blocked comes without candidates (with promptFeedback saying why).
        if (!response.promptFeedback) requireArrayField(response, "candidates", "Google Gemini");
        return fromGeminiResponse(response, call.model, remember);
      } catch (error) {
        throw mapGeminiError(error, options.apiKey);
      }
    },

    async stream(call) {
      // Cancelling the stream (client gone) must end the HTTP request, not only stop reading it.
      const cancelled = new AbortController();
      const signal = AbortSignal.any([call.signal, cancelled.signal]);
      try {
        const upstream = await client.models.generateContentStream(parameters(call, signal));
        const events = asyncIterableToStream(upstream, {
          onCancel: () => cancelled.abort(),
          mapError: (error) => mapGeminiError(error, options.apiKey, "stream"),
        });
        // One pulled chain from the SDK's events to the client (streams/pull-chain.ts).
        return pullThrough(events, geminiChunkTransformer({ model: call.model, onThoughtSignature: remember }));
      } catch (error) {
        throw mapGeminiError(error, options.apiKey);
      }
    },
  };
}
