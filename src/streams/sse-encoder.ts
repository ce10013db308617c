import { type Heartbeat, startHeartbeat } from "./heartbeat-ticker";
import { type SyncTransformer, pullThrough, transformStream } from "./sync-transformer";

/**
 * Items → SSE bytes, for any door: the door says how one item is written (one or more events, or
 * nothing) and what closes the stream (OpenAI's `data: [DONE]`). While the upstream is silent, a
 * keep-alive goes out after `heartbeatMs` to twice that (one ticker for all streams:
 * heartbeat-ticker.ts), so neither Bun's idle timeout nor a client's proxy closes the connection:
 * an SSE comment, or the door's own (Anthropic's `event: ping`).
 */
export interface SseEncoderOptions<T> {
  heartbeatMs: number;
  /** Stops the heartbeat when the client goes away. */
  signal: AbortSignal;
  /** The bytes for one item, or undefined to send nothing for it. */
  encode(item: T): Uint8Array | undefined;
  /** Sent once after the last item. */
  trailer?: Uint8Array;
  /** Written once after the last item, before the trailer: what a door's grammar closes with. */
  finish?(): Uint8Array | undefined;
  /** The heartbeat's bytes; an SSE comment unless the door has its own. */
  keepAlive?: Uint8Array;
}

const encoder = new TextEncoder();
const comment = encoder.encode(": keep-alive\n\n");

/** One `data:` event carrying JSON. */
export function encodeSseData(payload: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
}

export function createSseEncoder<T>(options: SseEncoderOptions<T>): TransformStream<T, Uint8Array> {
  return transformStream(sseEncoderTransformer(options));
}

function sseEncoderTransformer<T>(options: SseEncoderOptions<T>): SyncTransformer<T, Uint8Array> {
  let heartbeat: Heartbeat | undefined;
  const stop = () => heartbeat?.stop();
  const keepAlive = options.keepAlive ?? comment;
  return {
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
    transform(item, controller) {
      const bytes = options.encode(item);
      if (!bytes) return;
      heartbeat?.touch();
      controller.enqueue(bytes);
    },
    flush(controller) {
      stop();
      options.signal.removeEventListener("abort", stop);
      const closing = options.finish?.();
      if (closing) controller.enqueue(closing);
      if (options.trailer) controller.enqueue(options.trailer);
    },
    cancel: stop,
  };
}

/**
 * `createSseEncoder` as a pulled stream over `source` (what the doors' encoders use): the same
 * bytes, heartbeat and ending, one read per item with no pipe in between (sync-transformer.ts's
 * pullThrough says why).
 */
export function encodeSseStream<T>(source: ReadableStream<T>, options: SseEncoderOptions<T>): ReadableStream<Uint8Array> {
  return pullThrough(source, sseEncoderTransformer(options));
}
