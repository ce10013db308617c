import type { ChatCompletionChunk } from "../../chat/types";
import { type SyncTransformer, transformStream } from "../../streams/sync-transformer";
import { ResponseBuilder } from "./response-builder";
import type { ResponseContext } from "./response-object";
import type { ResponsesEvent } from "./responses-wire";

const encoder = new TextEncoder();

/** One Responses SSE event: `event: <type>` and its JSON with the stream's next sequence number. */
export function formatResponsesEvent(event: ResponsesEvent, sequenceNumber: number): string {
  return `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequenceNumber })}\n\n`;
}

/**
 * Internal chunks → the Responses event stream as SSE bytes, numbered from 0. The events one chunk
 * gives rise to go out as one piece (one enqueue, one pipe hop downstream). The stream's end (the
 * observer closes it after the last chunk) completes the response; an error chunk has already
 * failed it. Responses streams end without OpenAI chat's `data: [DONE]`.
 */
export function responseEventStream(context: ResponseContext): TransformStream<ChatCompletionChunk, Uint8Array> {
  return transformStream(responseEventTransformer(context));
}

/** The same as a synchronous stage (the door's encoder pulls it: sync-transformer.ts). */
export function responseEventTransformer(context: ResponseContext): SyncTransformer<ChatCompletionChunk, Uint8Array> {
  let sequence = 0;
  let pending = "";
  const builder = new ResponseBuilder(context, (event) => {
    pending += formatResponsesEvent(event, sequence++);
  });
  const send = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (pending === "") return;
    controller.enqueue(encoder.encode(pending));
    pending = "";
  };
  return {
    transform(chunk, controller) {
      builder.add(chunk);
      send(controller);
    },
    flush(controller) {
      builder.finish();
      send(controller);
    },
  };
}
