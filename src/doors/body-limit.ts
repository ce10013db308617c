import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors";

/**
 * The body of a request on a door's ground, read by the app itself up to MAX_BODY_BYTES, so that
 * a larger one is always refused by the app — a 413 in the door's shape, logged — and never by
 * Bun, whose own limit (maxRequestBodySize, set far above this one in serve-options.ts) answers
 * with an empty 413 and leaves no row. A declared Content-Length over the limit is refused
 * without reading; a chunked body is read until it passes the limit. What was read waits in
 * Hono's body cache for the door's parser.
 */
export function bodyWithinLimit(maxBytes: number, refuse: (c: Context, error: ProxyError) => Response): MiddlewareHandler {
  const tooLarge = () =>
    new ProxyError(413, `The request body is larger than the proxy's limit of ${maxBytes} bytes (MAX_BODY_BYTES).`, {
      type: "invalid_request_error",
      code: "request_too_large",
    });
  return async (c, next) => {
    const declared = c.req.raw.headers.has("transfer-encoding") ? null : c.req.header("content-length");
    // A declared length within the limit passes without touching `body`, whose getter builds a stream.
    if (declared && !(Number(declared) > maxBytes)) return next();
    const body = c.req.raw.body;
    if (!body) return next();
    if (declared) return refuse(c, tooLarge());
    let bytes: ArrayBuffer | undefined;
    try {
      bytes = await readAtMost(body, maxBytes);
    } catch (error) {
      return refuse(c, bodyReadFailure(error));
    }
    if (!bytes) return refuse(c, tooLarge());
    // Hono keeps the promise of each reading of the body in bodyCache (typed as the value itself);
    // every later c.req.arrayBuffer(), text() or json() is served from it.
    (c.req.bodyCache as Record<string, Promise<unknown>>).arrayBuffer = Promise.resolve(bytes);
    return next();
  };
}

/** The whole stream, or undefined (and the stream cancelled) once it passes `maxBytes`. */
async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<ArrayBuffer | undefined> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    parts.push(value);
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
