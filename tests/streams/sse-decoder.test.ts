import { describe, expect, test } from "bun:test";
import { createSseDecoder, isSseInvalidEvent, sseDone } from "../../src/streams/sse-decoder";
import { byteStream } from "../helpers/byte-stream";

async function decode(parts: Array<string | Uint8Array>): Promise<unknown[]> {
  return Array.fromAsync(byteStream(parts).pipeThrough(createSseDecoder()));
}

describe("SSE decoder", () => {
  test("joins an event split across chunks and splits several events in one chunk", async () => {
    expect(await decode(['data: {"a":', '1}\n\ndata: {"b":2}\n\ndata: {"c"', ":3}\n", "\n"])).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  test("a multi-byte character split between chunks survives", async () => {
    const bytes = new TextEncoder().encode('data: {"text":"héllo ✓"}\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(await decode([bytes.slice(0, cut), bytes.slice(cut)])).toEqual([{ text: "héllo ✓" }]);
  });

  test("accepts CRLF (also split between chunks), comments, other fields and multi-line data", async () => {
    expect(await decode([': keep-alive\r\n\r\nid: 7\r\ndata: {"a":\r', '\ndata: 1}\r\n\r\n', 'data:{"b":2}\n\n'])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  test("[DONE] ends the stream with the sseDone marker (an end the upstream declared); anything after it is ignored", async () => {
    expect(await decode(['data: {"a":1}\n\ndata: [DONE]\n\ndata: {"late":true}\n\n'])).toEqual([{ a: 1 }, sseDone]);
  });

  test("an `event: error` event becomes { error }, and a data-only error passes through as sent", async () => {
    expect(await decode(['event: error\ndata: {"error":{"message":"boom"}}\n\ndata: {"error":{"message":"bang"}}\n\n'])).toEqual([
      { error: { message: "boom" } },
      { error: { message: "bang" } },
    ]);
  });

  test("data that is not JSON becomes a marked value and decoding goes on", async () => {
    const values = await decode(['data: {"a":1}\n\ndata: <html>oops\n\ndata: {"b":2}\n\n']);
    expect(values).toHaveLength(3);
    expect(isSseInvalidEvent(values[1])).toBe(true);
    if (!isSseInvalidEvent(values[1])) throw new Error("unreachable");
    expect(values[1].data).toBe("<html>oops");
    expect(values[2]).toEqual({ b: 2 });
  });

  test("a last event without the closing blank line is still read", async () => {
    expect(await decode(['data: {"a":1}\n\ndata: {"b":2}\n'])).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
