import type OpenAI from "openai";
import type { ChatCompletionChunk } from "../../chat/types";
import type { Logger } from "../../logger";
import { openAIResponsesEventTransformer } from "../../stream-transformers/openai-responses-events";
import { sseDecoderTransformer } from "../../streams/sse-decoder";
import { fuseTransformers, pullThrough } from "../../streams/sync-transformer";
import type { ProviderCall } from "../types";
import type { ModelWireRules } from "./model-wire-rules";
import { smallBufferBody } from "./small-buffer-body";
import { toResponsesRequest } from "./to-responses-request";

/**
 * The Responses API path of an OpenAI-wire provider: taken for a request with function tools to a
 * model whose rules row says it takes tools only there (`toolsOnResponsesApi`). The upstream
 * always streams; the SSE decoder and the Responses event transformer run as one stage, as on the
 * chat path, and a non-stream request collects the chunks.
 */
export function usesResponsesApi(call: ProviderCall, rules: ModelWireRules | undefined): boolean {
  return Boolean(rules?.toolsOnResponsesApi) && Boolean(call.request.tools?.length) && call.request.tool_choice !== "none";
}

export async function streamViaResponsesApi(client: OpenAI, call: ProviderCall, rules: ModelWireRules | undefined, logger: Logger): Promise<ReadableStream<ChatCompletionChunk>> {
  const body = toResponsesRequest(call.request, call.model, rules, logger);
  const response = await client.responses.create(body as unknown as OpenAI.Responses.ResponseCreateParamsStreaming, { signal: call.signal }).asResponse();
  if (!response.body) throw new Error("The Responses API answered a stream request without a body.");
  return pullThrough(smallBufferBody(response.body), fuseTransformers(sseDecoderTransformer(), openAIResponsesEventTransformer(call.model)));
}
