import type { ChatCompletion, ChatCompletionChunk } from "../chat/types";
import type { ProxyError } from "../errors";
import { createSseEncoder } from "../streams/sse-encoder";

/**
 * The OpenAI chat-completions front door: how the pipeline's results are put on the wire for
 * clients that spoke OpenAI. Other doors (Anthropic Messages, OpenAI Responses) implement the same
 * interface, so the pipeline never knows which door a request came through.
 */
export interface StreamEncodeOptions {
  heartbeatMs: number;
  signal: AbortSignal;
}

export interface Door {
  readonly name: string;
  completionResponse(completion: ChatCompletion, headers: Headers): Response;
  streamResponse(chunks: ReadableStream<ChatCompletionChunk>, headers: Headers, options: StreamEncodeOptions): Response;
  errorResponse(error: ProxyError, headers: Headers): Response;
}

export function openaiErrorResponse(error: ProxyError, headers: Headers = new Headers()): Response {
  headers.set("content-type", "application/json");
  // 499 (client closed) is not a status a Response may carry to anyone; nobody reads it anyway.
  const status = error.status === 499 ? 400 : error.status;
  return new Response(JSON.stringify(error.toJSON()), { status, headers });
}

export const openaiDoor: Door = {
  name: "openai",
  completionResponse(completion, headers) {
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify(completion), { status: 200, headers });
  },
  streamResponse(chunks, headers, options) {
    headers.set("content-type", "text/event-stream; charset=utf-8");
    headers.set("cache-control", "no-cache");
    headers.set("connection", "keep-alive");
    headers.set("x-accel-buffering", "no");
    return new Response(chunks.pipeThrough(createSseEncoder(options)), { status: 200, headers });
  },
  errorResponse: openaiErrorResponse,
};
