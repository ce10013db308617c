import type { ChatRequest } from "../../chat/request-schema";
import type { ChatCompletionChunk } from "../../chat/types";
import type { ResponseEncoder } from "../../pipeline/response-encoder";
import { encodeSseStream, encodeSseData } from "../../streams/sse-encoder";
import { openaiErrorResponse } from "./openai-error";
import { carriesInternalFields, openaiChunk, openaiCompletion } from "./openai-wire";

const done = new TextEncoder().encode("data: [DONE]\n\n");

/**
 * How the OpenAI door answers one request: a completion as JSON; a stream as SSE chunks ending in
 * `data: [DONE]`, a mid-stream error as `data: {"error": {...}}` (the official SDKs raise it as an
 * APIError), and usage only when the client asked with `stream_options.include_usage`, as OpenAI
 * does; errors in OpenAI's shape. Internal fields other doors read stay behind (openai-wire.ts).
 */
export function openaiEncoder(request: ChatRequest): ResponseEncoder {
  const encode = request.stream_options?.include_usage === true ? encodeChunk : encodeChunkWithoutUsage;
  return {
    completion(completion, headers) {
      headers.set("content-type", "application/json");
      return new Response(JSON.stringify(openaiCompletion(completion)), { status: 200, headers });
    },
    stream(chunks, headers, options) {
      headers.set("content-type", "text/event-stream; charset=utf-8");
      headers.set("cache-control", "no-cache");
      headers.set("connection", "keep-alive");
      headers.set("x-accel-buffering", "no");
      return new Response(encodeSseStream(chunks, { ...options, encode, trailer: done }), { status: 200, headers });
    },
    error: openaiErrorResponse,
  };
}

function encodeChunk(chunk: ChatCompletionChunk): Uint8Array | undefined {
  if (chunk.error) return encodeSseData({ error: chunk.error });
  if (!carriesInternalFields(chunk)) return encodeSseData(chunk);
  const plain = openaiChunk(chunk);
  return plain && encodeSseData(plain);
}

/** The usage-only chunk is not sent; usage riding on a content chunk is taken off it. */
function encodeChunkWithoutUsage(chunk: ChatCompletionChunk): Uint8Array | undefined {
  if (chunk.error || !chunk.usage) return encodeChunk(chunk);
  if (chunk.choices.length === 0) return undefined;
  const { usage: _usage, ...rest } = chunk;
  return encodeChunk(rest);
}
