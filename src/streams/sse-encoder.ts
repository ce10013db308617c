import type { ChatCompletionChunk } from "../chat/types";
import { type Heartbeat, startHeartbeat } from "./heartbeat-ticker";
import { transformStream } from "./sync-transformer";

/**
 * OpenAI chunks → SSE bytes (`data: {...}\n\n`, then `data: [DONE]\n\n`). A chunk carrying
 * `error` is sent as OpenAI sends mid-stream errors, `data: {"error": {...}}`, which the official
 * SDKs raise as an APIError. While the upstream is silent, an SSE comment goes out after
 * `heartbeatMs` to twice that (one ticker for all streams: heartbeat-ticker.ts), so neither Bun's
 * idle timeout nor a client's proxy closes the connection.
 */
export interface SseEncoderOptions {
  heartbeatMs: number;
  /** Stops the heartbeat when the client goes away. */
  signal: AbortSignal;
}

const encoder = new TextEncoder();
const keepAlive = encoder.encode(": keep-alive\n\n");
const done = encoder.encode("data: [DONE]\n\n");

export function encodeSseData(payload: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
}

export function createSseEncoder(options: SseEncoderOptions): TransformStream<ChatCompletionChunk, Uint8Array> {
  let heartbeat: Heartbeat | undefined;
  const stop = () => heartbeat?.stop();
  return transformStream<ChatCompletionChunk, Uint8Array>({
    start(controller) {
      heartbeat = startHeartbeat(options.heartbeatMs, () => {
        try {
          controller.enqueue(keepAlive);
        } catch {
          stop();
        }
      });
      options.signal.addEventListener("abort", stop, { once: true });
    },
    transform(chunk, controller) {
      heartbeat?.touch();
      controller.enqueue(encodeSseData(chunk.error ? { error: chunk.error } : chunk));
    },
    flush(controller) {
      stop();
      options.signal.removeEventListener("abort", stop);
      controller.enqueue(done);
    },
    cancel: stop,
  });
}
