import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors";

/** BODY_READ_TIMEOUT_MS's default. */
export const DEFAULT_BODY_READ_TIMEOUT_MS = 30_000;

/** What a read that passed the deadline gives instead of the body. */
const LATE = Symbol("late");

/**
 * The body of a request on a door's ground, read by the app itself up to MAX_BODY_BYTES, so that
 * a larger one is always refused by the app — a 413 in the door's shape, logged — and never by
 * Bun, whose own limit (maxRequestBodySize, set far above this one in serve-options.ts) answers
 * with an empty 413 and leaves no row. A declared Content-Length over the limit is refused
 * without reading; a chunked body is read until it passes the limit. What was read waits in
 * Hono's body cache for the door's parser.
 *
 * The whole body must arrive within `deadlineMs` (BODY_READ_TIMEOUT_MS): a client that trickles
 * it in (a byte a second keeps Bun's idle timeout from ever firing) gets a 408 in its door's
 * shape, logged, and its connection closed. One timer and one race per request with a body,
 * cleared as soon as the body is in: about 1 µs (bench/body-deadline-cost.ts), below what
 * bench/quick-compare.ts c1 can tell apart.
 */
export function bodyWithinLimit(maxBytes: number, deadlineMs: number, refuse: (c: Context, error: ProxyError) => Response): MiddlewareHandler {
  const tooLarge = () =>
    new ProxyError(413, `The request body is larger than the proxy's limit of ${maxBytes} bytes (MAX_BODY_BYTES).`, {
      type: "invalid_request_error",
      code: "request_too_large",
    });
  const late = (c: Context) => {
    const response = refuse(c, bodyTooSlow(deadlineMs));
    // The rest of the body is never read: without this, the connection would wait for it.
    response.headers.set("connection", "close");
    return response;
  };
  return async (c, next) => {
    const declared = c.req.raw.headers.has("transfer-encoding") ? null : c.req.header("content-length");
    if (declared === "0") return next();
    if (declared && !(Number(declared) > maxBytes)) {
      // Read here, against the clock; Hono keeps the promise for the door's parser (c.req.arrayBuffer()).
      let read: ArrayBuffer | typeof LATE;
      try {
        read = await withinDeadline(c.req.arrayBuffer(), deadlineMs);
      } catch (error) {
        return refuse(c, bodyReadFailure(error));
      }
      return read === LATE ? late(c) : next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    if (declared) return refuse(c, tooLarge());
    let bytes: ArrayBuffer | undefined | typeof LATE;
    try {
      bytes = await readAtMost(body, maxBytes, deadlineMs);
    } catch (error) {
      return refuse(c, bodyReadFailure(error));
    }
    if (bytes === LATE) return late(c);
    if (!bytes) return refuse(c, tooLarge());
    // Hono keeps the promise of each reading of the body in bodyCache (typed as the value itself);
    // every later c.req.arrayBuffer(), text() or json() is served from it.
    (c.req.bodyCache as Record<string, Promise<unknown>>).arrayBuffer = Promise.resolve(bytes);
    return next();
  };
}

/** The reading's value, or LATE once `ms` have passed (a rejection after that is still handled: race subscribed to it). */
async function withinDeadline<T>(reading: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, ms, LATE)));
  try {
    return await Promise.race([reading, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The whole stream; undefined once it passes `maxBytes`, LATE once `deadlineMs` have passed (the stream cancelled in both). */
async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number, deadlineMs: number): Promise<ArrayBuffer | undefined | typeof LATE> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let passed = false;
  // Cancelling ends the pending read (done), so the loop stops without a race per chunk.
  const timer = setTimeout(() => {
    passed = true;
    reader.cancel().catch(() => {});
  }, deadlineMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (passed) return LATE;
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        return undefined;
      }
      parts.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.byteLength;
  }
  return whole.buffer;
}

/** Reading a body fails when the client goes away before sending all of it. */
export function bodyReadFailure(error: unknown): ProxyError {
  return new ProxyError(499, `The client closed the connection before the request body was read (${(error as Error).message}).`, {
    type: "client_closed",
    code: "client_closed",
    cause: error,
  });
}

/** The body did not arrive in time. */
export function bodyTooSlow(deadlineMs: number): ProxyError {
  return new ProxyError(408, `The request body was not received within ${deadlineMs} ms (BODY_READ_TIMEOUT_MS); send it at once.`, {
    type: "invalid_request_error",
    code: "request_timeout",
  });
}
