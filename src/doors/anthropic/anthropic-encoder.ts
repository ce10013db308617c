import type { ChatCompletionChunk } from "../../chat/types";
import type { ResponseEncoder } from "../../pipeline/response-encoder";
import { encodeSseStream } from "../../streams/sse-encoder";
import { anthropicErrorResponse } from "./anthropic-error";
import { createMessageEventBuilder, type MessageStreamEvent } from "./message-stream-events";
import { toAnthropicMessage } from "./to-anthropic-message";

/**
 * How the Anthropic door answers one request: a completion as a `Message`; a stream as Anthropic
 * SSE, each event as `event: <type>` plus its JSON (message-stream-events.ts), with `event: ping`
 * as the keep-alive while the upstream is silent, as the API itself sends; errors in Anthropic's
 * shape. `fallbackId` (the task id) names messages and tool calls whose upstream gave no id.
 */
const encoder = new TextEncoder();
const ping = encoder.encode('event: ping\ndata: {"type": "ping"}\n\n');

export function encodeEvents(events: readonly MessageStreamEvent[]): Uint8Array | undefined {
  if (events.length === 0) return undefined;
  return encoder.encode(events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(""));
}

export function anthropicEncoder(fallbackId: string): ResponseEncoder {
  return {
    completion(completion, headers) {
      headers.set("content-type", "application/json");
      return new Response(JSON.stringify(toAnthropicMessage(completion, fallbackId)), { status: 200, headers });
    },
    stream(chunks, headers, options) {
      headers.set("content-type", "text/event-stream; charset=utf-8");
      headers.set("cache-control", "no-cache");
      headers.set("connection", "keep-alive");
      headers.set("x-accel-buffering", "no");
      const events = createMessageEventBuilder(fallbackId);
      const sse = encodeSseStream<ChatCompletionChunk>(chunks, {
        ...options,
        encode: (chunk) => encodeEvents(events.push(chunk)),
        finish: () => encodeEvents(events.finish()),
        keepAlive: ping,
      });
      return new Response(sse, { status: 200, headers });
    },
    error: anthropicErrorResponse,
  };
}
