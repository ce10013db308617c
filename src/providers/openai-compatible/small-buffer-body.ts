/**
 * An upstream `fetch` body read through small buffers. Bun reads a `fetch` response body's native
 * byte stream into a 256 KiB buffer that its web-stream reader allocates on the first read (the
 * lazy native stream's default auto-allocated chunk size, which no request, response, header or
 * reader option changes) and keeps until the stream ends: JavaScriptCore counts it as heap, so each
 * ended stream leaves 256 KiB of old-generation garbage and, with many streams, every eden
 * collection is followed by a full one (bench/PROFILE.md). Bun's own `node:stream` adapter,
 * `Readable.fromWeb`, reads the same native stream with a buffer of the high-water mark it is
 * given. Its `_read` (the native pull) is driven here directly and its `push` and `destroy` are
 * taken over, so none of the node stream's own buffering or events run: each pull of the returned
 * stream is one native pull into a buffer of CHUNK_BYTES (shared by the chunks it holds until it is
 * nearly full, then a new one).
 *
 * The bytes are fetch's own (decompressed on its HTTP thread as before); an upstream failure
 * errors the stream with the error the web reader would have given; cancelling the stream cancels
 * the native stream, as cancelling its reader did. A body that is not a native fetch body (an
 * injected `fetch` returning a JavaScript stream) is returned untouched.
 *
 * `node:stream` (~20 ms and ~5 MiB the first time) is loaded by the first stream read, not at start;
 * where the database driver (postgres.js) runs in the process it is loaded already.
 */
const CHUNK_BYTES = 4096;

let nodeStream: typeof import("node:stream") | undefined;

/** The members of Bun's native-backed `Readable` used here (its `_read` returns the pending pull). */
interface NativeReadable {
  _read(size: number): Promise<unknown> | undefined;
  _destroy(error: unknown, callback: (error?: unknown) => void): void;
  push(chunk: Uint8Array | null): boolean;
  destroy(error?: unknown): unknown;
}

export function smallBufferBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const { Readable } = (nodeStream ??= require("node:stream") as typeof import("node:stream"));
  let readable: InstanceType<typeof Readable>;
  try {
    readable = Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0], { highWaterMark: CHUNK_BYTES });
  } catch {
    return body;
  }
  // Bun hands a native body to a plain Readable; any other stream gets an adapter class that has not touched it yet.
  if (Object.getPrototypeOf(readable) !== Readable.prototype) return body;
  return new ReadableStream<Uint8Array>(new NativeBodySource(readable as unknown as NativeReadable), { highWaterMark: 0 });
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const ignore = () => {};

class NativeBodySource {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private pushed = false;
  private ended = false;
  private failed = false;
  private failure: unknown;
  private cancelled = false;

  constructor(private readonly native: NativeReadable) {
    native.push = (chunk) => {
      if (chunk === null) this.ended = true;
      else if (!this.cancelled && !this.ended && !this.failed) {
        this.pushed = true;
        this.controller.enqueue(chunk);
      }
      return true;
    };
    // A failed native pull ends here (the node stream's errorOrDestroy).
    native.destroy = (error) => {
      if (!this.failed) {
        this.failed = true;
        this.failure = error ?? new Error("The upstream body failed.");
      }
      return native;
    };
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
  }

  /**
   * One `then` per native pull with a handler made once per body, not an async function per pull:
   * its suspended frame and promise were heap per chunk that during 64 streams only the
   * collector takes back (bench/stream-body-allocation.ts).
   */
  pull(): Promise<void> | undefined {
    this.pushed = false;
    this.idle = 0;
    return this.pullOn();
  }

  private idle = 0;
  private readonly again = (): Promise<void> | undefined => this.pullOn();

  private pullOn(): Promise<void> | undefined {
    for (;;) {
      if (this.pushed) return undefined;
      if (this.failed) return Promise.reject(this.failure);
      if (this.ended) {
        this.controller.close();
        return undefined;
      }
      // A pending pull resolves once its result was pushed; one that brought nothing (an empty
      // chunk) is pulled again. The end is pushed on the next tick after the last bytes; should a
      // pull keep bringing nothing at once, later tries wait for a turn of the event loop.
      const pending = this.native._read(CHUNK_BYTES);
      if (pending) return pending.then(this.again);
      if (!this.pushed) return (this.idle++ === 0 ? nextTick() : nextTurn()).then(this.again);
    }
  }

  cancel(reason: unknown): void {
    this.cancelled = true;
    this.native._destroy(reason, ignore);
  }
}
