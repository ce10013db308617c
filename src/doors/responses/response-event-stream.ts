import type { ChatCompletionChunk } from "../../chat/types";
import { transformStream } from "../../streams/sync-transformer";
import { ResponseBuilder } from "./response-builder";
import type { ResponseContext } from "./response-object";
import type { ResponsesEvent } from "./responses-wire";

const encoder = new TextEncoder();

/** One Responses SSE event: `event: <type>` and its JSON with the stream's next sequence number. */
export function encodeResponsesEvent(event: ResponsesEvent, sequenceNumber: number): Uint8Array {
  return encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequenceNumber })}\n\n`);
}

/**
 * Internal chunks → the Responses event stream as SSE bytes, numbered from 0. The stream's end
 * (the observer closes it after the last chunk) completes the response; an error chunk has
 * already failed it. Responses streams end without OpenAI chat's `data: [DONE]`.
 */
export function responseEventStream(context: ResponseContext): TransformStream<ChatCompletionChunk, Uint8Array> {
  let builder!: ResponseBuilder;
  let sequence = 0;
  return transformStream<ChatCompletionChunk, Uint8Array>({
    start(controller) {
      builder = new ResponseBuilder(context, (event) => controller.enqueue(encodeResponsesEvent(event, sequence++)));
    },
    transform(chunk) {
      builder.add(chunk);
    },
    flush() {
      builder.finish();
    },
  });
}
