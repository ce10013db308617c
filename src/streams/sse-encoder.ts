import { type HeartbeatSubscriber, subscribeHeartbeat, unsubscribeHeartbeat } from "./heartbeat-ticker";
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
  return new SseEncoderStage(options);
}

/**
 * A class, not closures: an open stream keeps its encoder for as long as it is open (an idle one
 * for minutes), and methods on the prototype cost nothing per stream. It is its own heartbeat
 * subscriber and listens to the client's signal as an event-listener object (handleEvent).
 */
class SseEncoderStage<T> implements SyncTransformer<T, Uint8Array>, HeartbeatSubscriber {
  silent = false;
  private subscribed = false;
  private controller!: TransformStreamDefaultController<Uint8Array>;

  constructor(private readonly options: SseEncoderOptions<T>) {}

  start(controller: TransformStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
    subscribeHeartbeat(this.options.heartbeatMs, this);
    this.subscribed = true;
    this.options.signal.addEventListener("abort", this, { once: true });
  }

  transform(item: T, controller: TransformStreamDefaultController<Uint8Array>): void {
    const bytes = this.options.encode(item);
    if (!bytes) return;
    this.silent = false;
    controller.enqueue(bytes);
  }

  flush(controller: TransformStreamDefaultController<Uint8Array>): void {
    this.stop();
    this.options.signal.removeEventListener("abort", this);
    const closing = this.options.finish?.();
    if (closing) controller.enqueue(closing);
    if (this.options.trailer) controller.enqueue(this.options.trailer);
  }

  cancel(): void {
    this.stop();
  }

  /** The heartbeat ticker found the stream silent. */
  beat(): void {
    try {
      this.controller.enqueue(this.options.keepAlive ?? comment);
    } catch {
      this.stop();
    }
  }

  /** The client went away: no more heartbeats. */
  handleEvent(): void {
    this.stop();
  }

  private stop(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    unsubscribeHeartbeat(this.options.heartbeatMs, this);
  }
}

/**
 * `createSseEncoder` as a pulled stream over `source` (what the doors' encoders use): the same
 * bytes, heartbeat and ending, one read per item with no pipe in between (sync-transformer.ts's
 * pullThrough says why).
 */
export function encodeSseStream<T>(source: ReadableStream<T>, options: SseEncoderOptions<T>): ReadableStream<Uint8Array> {
  return pullThrough(source, sseEncoderTransformer(options));
}
