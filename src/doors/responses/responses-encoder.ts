import type { ChatCompletion, ChatCompletionChunk } from "../../chat/types";
import type { ResponseEncoder } from "../../pipeline/response-encoder";
import { encodeSseStream } from "../../streams/sse-encoder";
import { openaiErrorResponse } from "../openai/openai-error";
import { ResponseBuilder } from "./response-builder";
import { responseEventTransformer } from "./response-event-stream";
import { pullThrough } from "../../streams/sync-transformer";
import type { ResponseContext } from "./response-object";
import type { MessageOrigin } from "./client-params";
import { inClientTerms } from "./client-terms";

/**
 * How the Responses door answers one request: a completion as the `response` object; a stream as
 * Responses events (response-event-stream.ts) with SSE comments as the keep-alive while the
 * upstream is silent (the openai SDK's SSE reader and Codex skip comment lines); errors in
 * OpenAI's error shape, whose param names the client's request (client-params.ts). Both paths
 * build the response with the same ResponseBuilder.
 */
export function responsesEncoder(context: ResponseContext, origins: readonly MessageOrigin[] = []): ResponseEncoder {
  return {
    completion(completion, headers) {
      const builder = new ResponseBuilder(context, () => {});
      builder.add(completionAsChunk(completion));
      builder.finish();
      headers.set("content-type", "application/json");
      return new Response(JSON.stringify(builder.response()), { status: 200, headers });
    },
    stream(chunks, headers, options) {
      headers.set("content-type", "text/event-stream; charset=utf-8");
      headers.set("cache-control", "no-cache");
      headers.set("connection", "keep-alive");
      headers.set("x-accel-buffering", "no");
      const body = encodeSseStream<Uint8Array>(pullThrough(chunks, responseEventTransformer(context)), { ...options, encode: (bytes) => bytes });
      return new Response(body, { status: 200, headers });
    },
    error: (error, headers) => openaiErrorResponse(inClientTerms(error, origins), headers),
  };
}

/** A whole completion as the one chunk that carries all of it, for the builder. */
function completionAsChunk(completion: ChatCompletion): ChatCompletionChunk {
  const choice = completion.choices[0];
  const message = choice?.message;
  return {
    id: completion.id,
    object: "chat.completion.chunk",
    created: completion.created,
    model: completion.model,
    choices: message
      ? [
          {
            index: 0,
            delta: {
              content: message.content,
              refusal: message.refusal,
              reasoning_content: message.reasoning_content,
              reasoning_details: message.reasoning_details,
              tool_calls: message.tool_calls?.map((call, index) => ({ index, id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments } })),
            },
            finish_reason: choice.finish_reason,
          },
        ]
      : [],
    usage: completion.usage,
  };
}
