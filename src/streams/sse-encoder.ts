import type { ChatCompletionChunk } from "../chat/types";

/**
 * OpenAI chunks → SSE bytes (`data: {...}\n\n`, then `data: [DONE]\n\n`). A chunk carrying
 * `error` is sent as OpenAI sends mid-stream errors, `data: {"error": {...}}`, which the official
 * SDKs raise as an APIError. While the upstream is silent, an SSE comment goes out every
 * `heartbeatMs` so neither Bun's idle timeout nor a client's proxy closes the connection.
 */
export interface SseEncoderOptions {
  heartbeatMs: number;
  /** Stops the heartbeat when the client goes away (flush is not called on cancel). */
  signal: AbortSignal;
}

const encoder = new TextEncoder();
const heartbeat = encoder.encode(": keep-alive\n\n");
const done = encoder.encode("data: [DONE]\n\n");

export function encodeSseData(payload: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
}

export function createSseEncoder(options: SseEncoderOptions): TransformStream<ChatCompletionChunk, Uint8Array> {
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastWrite = 0;
  const stop = () => clearInterval(timer);
  return new TransformStream({
    start(controller) {
      lastWrite = performance.now();
      timer = setInterval(() => {
        if (performance.now() - lastWrite < options.heartbeatMs) return;
        try {
          controller.enqueue(heartbeat);
          lastWrite = performance.now();
        } catch {
          stop();
        }
      }, options.heartbeatMs);
      options.signal.addEventListener("abort", stop, { once: true });
    },
    transform(chunk, controller) {
      lastWrite = performance.now();
      controller.enqueue(encodeSseData(chunk.error ? { error: chunk.error } : chunk));
    },
    flush(controller) {
      stop();
      controller.enqueue(done);
    },
  });
}
