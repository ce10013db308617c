import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isSseInvalidEvent, sseDecoderTransformer, sseDone } from "../../src/streams/sse-decoder";
import type { SyncTransformer } from "../../src/streams/sync-stage";
import { isSseInvalidEvent as isReferenceInvalid, sseDecoderTransformer as referenceDecoder, sseDone as referenceDone } from "./reference/sse-decoder-strings";

/**
 * The SSE decoder takes whole `data: ` events straight from the bytes (src/streams/sse-decoder.ts)
 * and everything else the way it always did: for every recorded upstream stream and a set of
 * awkward ones (CRLF, comments, other fields, multi-line data, byte-order marks, multi-byte
 * characters, invalid UTF-8 and JSON, `[DONE]` mid-chunk, no final blank line), cut into chunks
 * every possible way at one or two places and at random, it gives the same events, in the same
 * order, and ends at the same point as the decoder before the byte path
 * (tests/streams/reference/sse-decoder-strings.ts).
 */
const encoder = new TextEncoder();

interface Run {
  events: unknown[];
  terminated: boolean;
}

function run(transformer: SyncTransformer<Uint8Array, unknown>, chunks: Uint8Array[], invalid: (value: unknown) => boolean, done: symbol): Run {
  const result: Run = { events: [], terminated: false };
  // Each module has its own markers: compared by what they stand for.
  const seen = (value: unknown) => (value === done ? "[DONE marker]" : invalid(value) ? { invalid: (value as { data: string }).data } : value);
  const controller = {
    desiredSize: 1,
    enqueue: (value: unknown) => result.events.push(seen(value)),
    terminate: () => (result.terminated = true),
    error: (reason: unknown) => {
      throw reason;
    },
  } as TransformStreamDefaultController<unknown>;
  for (const chunk of chunks) {
    if (result.terminated) break;
    transformer.transform!(chunk, controller);
  }
  if (!result.terminated) transformer.flush?.(controller);
  return result;
}

const both = (chunks: Uint8Array[]) => ({
  actual: run(sseDecoderTransformer(), chunks, isSseInvalidEvent, sseDone),
  expected: run(referenceDecoder(), chunks, isReferenceInvalid, referenceDone),
});

const cut = (bytes: Uint8Array, at: number[]) => {
  const points = [0, ...at, bytes.length];
  return points.slice(1).map((end, index) => bytes.slice(points[index], end));
};

function fixtureStreams(): Array<[string, Uint8Array]> {
  const streams: Array<[string, Uint8Array]> = [];
  for (const dir of ["openai", "openai-responses"]) {
    const path = join(import.meta.dir, "../fixtures", dir);
    for (const name of readdirSync(path).filter((file) => file.endsWith(".jsonl"))) {
      const lines = readFileSync(join(path, name), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "");
      streams.push([`${dir}/${name}`, encoder.encode(lines.map((line) => `data: ${line}\n\n`).join(""))]);
    }
  }
  return streams;
}

const bom = "\uFEFF";
const awkward: Array<[string, string | Uint8Array]> = [
  ["CRLF throughout", 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\ndata: [DONE]\r\n\r\n'],
  ["CRLF after LF events", 'data: {"a":1}\n\ndata: {"b":2}\r\n\r\ndata: {"c":3}\n\n'],
  ["CR LF LF and LF CR LF event ends", 'data: {"a":1}\r\n\ndata: {"b":2}\n\r\ndata: {"c":3}\n\n'],
  ["a CR inside the data line", 'data: {"a":1}\n\ndata: {"a":"x\ry"}\n\ndata: {"b":2}\r\n\n'],
  ["lone CR line ends", 'data: {"a":1}\r\rdata: {"b":2}\n\n'],
  ["comments, ids, other fields", ': keep-alive\n\nid: 7\ndata: {"a":1}\n\nretry: 10\n\ndata: {"b":2}\n\n'],
  ["multi-line data", 'data: {"a":\ndata: 1}\n\ndata: {"b":2}\n\n'],
  ["data without a space, two spaces, empty data", 'data:{"a":1}\n\ndata:  {"b":2}\n\ndata: \n\ndata:\n\ndata\n\n'],
  ["event: error and data-only errors", 'event: error\ndata: {"error":{"message":"boom"}}\n\ndata: {"error":{"message":"bang"}}\n\n'],
  ["invalid JSON, long and short", `data: not json\n\ndata: ${"x".repeat(700)}\n\ndata: {"a":1}\n\n`],
  ["[DONE] mid-chunk, more after it", 'data: {"a":1}\n\ndata: [DONE]\n\ndata: {"late":true}\n\n'],
  ["[DONE] with trailing space is data", 'data: [DONE] \n\ndata: {"a":1}\n\n'],
  ["no final blank line", 'data: {"a":1}\n\ndata: {"b":2}'],
  ["multi-byte characters", 'data: {"t":"héllo ✓ 😀 日本"}\n\ndata: {"t":"€"}\n\n'],
  ["byte-order mark at the start", `${bom}data: {"a":1}\n\ndata: {"b":2}\n\n`],
  ["byte-order mark mid-stream", `data: {"a":1}\n\n${bom}data: {"b":2}\n\ndata: ${bom}{"c":3}\n\ndata: {"d":"${bom}"}\n\n`],
  ["blank lines between events", '\n\ndata: {"a":1}\n\n\n\ndata: {"b":2}\n\n\n'],
  ["event block of only a newline run", '\n\n\n\n\n\ndata: {"a":1}\n\n'],
  ["invalid UTF-8", new Uint8Array([...encoder.encode('data: {"t":"a'), 0xe2, 0x82, ...encoder.encode('"}\n\ndata: {"t":"'), 0xff, ...encoder.encode('b"}\n\n'), 0xc3])],
  ["invalid UTF-8 right before the blank line", new Uint8Array([...encoder.encode('data: {"a":1}\n\ndata: x'), 0xe2, 0x82, 0x0a, 0x0a, ...encoder.encode('data: {"b":2}\n\n')])],
];

describe("SSE decoder: the byte path gives the string path's events", () => {
  for (const [name, stream] of [...fixtureStreams(), ...awkward.map(([label, text]): [string, Uint8Array] => [label, typeof text === "string" ? encoder.encode(text) : text])]) {
    test(name, () => {
      const check = (chunks: Uint8Array[]) => {
        const { actual, expected } = both(chunks);
        expect(actual).toEqual(expected);
      };
      check([stream]);
      const length = stream.length;
      // Every single cut and every pair of cuts for short streams; a spread of them for long ones.
      for (let at = 1; at < length; at += Math.ceil(length / 400)) check(cut(stream, [at]));
      const step = length <= 120 ? 1 : Math.ceil(length / 30);
      for (let first = 1; first < length; first += step) for (let second = first + 1; second < length; second += step) check(cut(stream, [first, second]));
      // Random chunkings with many small pieces, seeded.
      let seed = length;
      const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      for (let round = 0; round < 100; round++) {
        const points: number[] = [];
        for (let at = 1 + Math.floor(random() * 8); at < length; at += 1 + Math.floor(random() * 40)) points.push(at);
        check(cut(stream, points));
      }
    });
  }

  test("the byte path is taken: a whole-event chunk after the first yields the event without the string path", () => {
    // Not a timing: the events are equal either way; this shows the byte path runs on the usual chunks.
    const chunks = ['data: {"a":1}\n\n', 'data: {"b":2}\n\ndata: {"c":3}\n\n'].map((text) => encoder.encode(text));
    const decoded: string[] = [];
    const original = TextDecoder.prototype.decode;
    TextDecoder.prototype.decode = function (this: TextDecoder, ...args: Parameters<TextDecoder["decode"]>) {
      const text = original.apply(this, args);
      decoded.push(text);
      return text;
    };
    try {
      expect(run(sseDecoderTransformer(), chunks, isSseInvalidEvent, sseDone).events).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    } finally {
      TextDecoder.prototype.decode = original;
    }
    // The first chunk the string way (it is the stream's start), then one string per event's JSON; "" is the end's flush.
    expect(decoded).toEqual(['data: {"a":1}\n\n', '{"b":2}', '{"c":3}', ""]);
  });
});
