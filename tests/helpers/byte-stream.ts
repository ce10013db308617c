const encoder = new TextEncoder();

/** A byte stream that delivers exactly these parts, as a socket might split them. */
export function byteStream(parts: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(typeof part === "string" ? encoder.encode(part) : part);
      controller.close();
    },
  });
}
