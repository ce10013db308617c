/**
 * The malformed-request corpus: requests every front door must refuse with a 4xx in its own error
 * shape, each logged once, while the process goes on serving. Each door contributes a DoorCorpus
 * (a folder entry here and one line in index.ts); the door-independent kinds of breakage
 * (bad JSON, bad UTF-8, nesting, sizes, content types, methods) come from generic.ts.
 */
export interface MalformedRequest {
  /** What is wrong with it, for a failure message. */
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body chunked, without a Content-Length. */
  chunked?: boolean;
}

export interface DoorCorpus {
  /** The door's name, as its log rows carry it. */
  door: string;
  /** The door's malformed requests; bodies over `maxBodyBytes` are part of them. */
  generate(options: { maxBodyBytes: number }): MalformedRequest[];
  /** The valid request every malformed one is made from: answered 200, or the corpus proves nothing. */
  valid(): MalformedRequest;
  /** A well-formed request the door answers with a 200 (the upstream being a mock). */
  normal(): MalformedRequest;
  /** What is wrong with an error response's body for this door's shape, or undefined when it is right. */
  shapeProblem(body: unknown): string | undefined;
}

/** A JSON POST to `path`. */
export function jsonPost(name: string, path: string, body: string | Uint8Array, headers: Record<string, string> = {}): MalformedRequest {
  return { name, method: "POST", path, headers: { "content-type": "application/json", ...headers }, body };
}

/** The body as a stream of small pieces, so it goes out chunked. */
export function bodyInit(request: MalformedRequest): string | Uint8Array | ReadableStream<Uint8Array> | undefined {
  const body = request.body;
  if (body === undefined || !request.chunked) return body;
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
}
