import { type SyncTransformer, transformStream } from "./sync-transformer";

/**
 * Bytes of a server-sent-event stream → the parsed JSON `data` of each event, for upstreams that
 * stream JSON over SSE (the OpenAI wire format). Events may be split across chunks (and multi-byte
 * characters across chunk boundaries); `\r\n` line ends and comment lines (`: keep-alive`) are
 * accepted (normalised to `\n` before events are split); `data: [DONE]` ends the stream, after
 * `sseDone` is passed on so the next stage can tell an upstream that declared its end from a body
 * that merely stopped. An `event: error` event becomes `{ error }`, as OpenAI puts errors in the
 * data itself. Data that is not JSON does not throw: it becomes an
 * `SseInvalidEvent`, so the transformer downstream can turn it into an error chunk.
 */
const invalidEventMarker = Symbol("sse.invalid-event");

export interface SseInvalidEvent {
  readonly [invalidEventMarker]: true;
  /** The raw data, cut to a readable length. */
  readonly data: string;
}

/** Passed on when the upstream sent `data: [DONE]`, just before the decoder terminates. */
export const sseDone: unique symbol = Symbol("sse.done");

const maxKeptDataChars = 500;
// One options object for every decode call, not one per chunk.
const streaming = { stream: true } as const;

export function isSseInvalidEvent(value: unknown): value is SseInvalidEvent {
  return typeof value === "object" && value !== null && invalidEventMarker in value;
}

export function createSseDecoder(): TransformStream<Uint8Array, unknown> {
  return transformStream(sseDecoderTransformer());
}

// Decodes one whole event's data, never with `stream` (so it keeps no state and serves every
// stream); a byte-order mark is kept, as the streaming decoder keeps one mid-stream.
const dataDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

// "data: ", "\n", "\r" as bytes.
const D = 0x64;
const A = 0x61;
const T = 0x74;
const COLON = 0x3a;
const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The decoder as a synchronous stage, to fuse with the transformer that reads its output.
 *
 * Two ways to the same events. The usual chunk is whole `data: {...}\n\n` events: those are found
 * in the bytes and only each event's JSON is decoded (one string per event, parsed as it is). The
 * general way decodes the whole chunk into a string, normalises line ends and slices events and
 * lines out of it: JSON.parse of a sliced string copies it first, so that way allocated ~970 bytes
 * per benchmark event against ~420 (bench/stream-chunk-allocation.ts). The byte way is taken only
 * where it cannot differ: nothing carried over from the chunk before (no partial event, no partial
 * character in the streaming TextDecoder, which has already seen the stream's start and its byte-order
 * mark), no `\r` before the event's end, one line starting with `data: `; anything else from there
 * on (a comment, another field, a multi-line event, CRLF, an incomplete tail) goes the general way.
 */
export function sseDecoderTransformer(): SyncTransformer<Uint8Array, unknown> {
  const decoder = new TextDecoder();
  let pending = "";
  let finished = false;
  // The streaming decoder has read the stream's first bytes and holds no partial character.
  let clean = false;

  /** One event block (the lines before a blank line); returns false once `[DONE]` was seen. */
  const emit = (block: string, controller: TransformStreamDefaultController<unknown>): boolean => {
    let data: string | undefined;
    let event: string | undefined;
    // The usual block is one `data: {...}` line; skip the line splitting for it.
    const simple = block.startsWith("data: ") && !block.includes("\n");
    if (simple) data = block.slice(6);
    for (const line of simple ? [] : block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") data = data === undefined ? value : `${data}\n${value}`;
      else if (field === "event") event = value;
    }
    if (data === undefined) return true;
    return emitData(data, event, controller);
  };

  /** One event's data; returns false for `[DONE]`. */
  const emitData = (data: string, event: string | undefined, controller: TransformStreamDefaultController<unknown>): boolean => {
    if (data === "[DONE]") return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      const invalid: SseInvalidEvent = { [invalidEventMarker]: true, data: data.length > maxKeptDataChars ? `${data.slice(0, maxKeptDataChars)}…` : data };
      controller.enqueue(invalid);
      return true;
    }
    if (event === "error") {
      const body = parsed as { error?: unknown } | null;
      controller.enqueue({ error: body?.error ?? body });
    } else {
      controller.enqueue(parsed);
    }
    return true;
  };

  return {
    endsWithSource: true,
    transform(chunk, controller) {
      if (finished) return;
      let bytes = chunk;
      if (clean && pending === "") {
        // Whole `data: ` events from the chunk's start, decoded one by one from the bytes.
        const length = bytes.length;
        const cr = bytes.indexOf(CR);
        let start = 0;
        for (;;) {
          const lineEnd = bytes.indexOf(LF, start);
          if (lineEnd === -1 || bytes[lineEnd + 1] !== LF || (cr !== -1 && cr < lineEnd)) break;
          if (lineEnd - start < 6 || bytes[start] !== D || bytes[start + 1] !== A || bytes[start + 2] !== T || bytes[start + 3] !== A || bytes[start + 4] !== COLON || bytes[start + 5] !== SPACE) break;
          if (!emitData(dataDecoder.decode(bytes.subarray(start + 6, lineEnd)), undefined, controller)) {
            finished = true;
            controller.enqueue(sseDone);
            controller.terminate();
            return;
          }
          start = lineEnd + 2;
          if (start === length) return;
        }
        if (start > 0) bytes = bytes.subarray(start);
      }
      if (bytes.length > 0) clean = bytes[bytes.length - 1]! < 0x80;
      pending += decoder.decode(bytes, streaming);
      if (pending.includes("\r")) {
        // A `\r` at the very end may be the first half of a `\r\n` split across chunks: keep it raw.
        const tail = pending.endsWith("\r") ? "\r" : "";
        pending = `${(tail ? pending.slice(0, -1) : pending).replace(/\r\n?/g, "\n")}${tail}`;
      }
      // Walk with an index rather than re-slicing `pending` per event (quadratic on big chunks).
      let start = 0;
      let end = pending.indexOf("\n\n", start);
      while (end !== -1) {
        if (!emit(pending.slice(start, end), controller)) {
          finished = true;
          pending = "";
          controller.enqueue(sseDone);
          controller.terminate();
          return;
        }
        start = end + 2;
        end = pending.indexOf("\n\n", start);
      }
      pending = pending.slice(start);
    },
    flush(controller) {
      pending = (pending + decoder.decode()).replace(/\r\n?/g, "\n");
      // An upstream that closes without the final blank line still gets its last event read.
      if (!finished && pending.trim() !== "") emit(pending, controller);
      pending = "";
    },
  };
}
