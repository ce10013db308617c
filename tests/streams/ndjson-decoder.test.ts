import { describe, expect, test } from "bun:test";
import { createNdjsonDecoder, isNdjsonInvalidLine } from "../../src/streams/ndjson-decoder";
import { byteStream } from "../helpers/byte-stream";

async function decode(parts: Array<string | Uint8Array>): Promise<unknown[]> {
  return Array.fromAsync(byteStream(parts).pipeThrough(createNdjsonDecoder()));
}

describe("NDJSON decoder", () => {
  test("joins a line split across chunks and splits several lines in one chunk", async () => {
    expect(await decode(['{"a":', '1}\n{"b":2}\n{"c"', ":3}\n"])).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  test("a multi-byte character split between chunks survives", async () => {
    const bytes = new TextEncoder().encode('{"text":"héllo ✓"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    expect(await decode([bytes.slice(0, cut), bytes.slice(cut)])).toEqual([{ text: "héllo ✓" }]);
  });

  test("skips blank lines, accepts CRLF, and parses a last line without a newline", async () => {
    expect(await decode(['{"a":1}\r\n\n   \n{"b":2}'])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  test("a line that is not JSON becomes a marked value and decoding goes on", async () => {
    const values = await decode(['{"a":1}\nSegmentation fault (core dumped)\n{"b":2}\n']);
    expect(values).toHaveLength(3);
    expect(values[0]).toEqual({ a: 1 });
    const invalid = values[1];
    expect(isNdjsonInvalidLine(invalid)).toBe(true);
    if (!isNdjsonInvalidLine(invalid)) throw new Error("unreachable");
    expect(invalid.line).toBe("Segmentation fault (core dumped)");
    expect(invalid.reason).not.toBe("");
    expect(values[2]).toEqual({ b: 2 });
  });

  test("a JSON object that merely looks like an error value is not mistaken for one", async () => {
    const [value] = await decode(['{"line":"x","reason":"y"}\n']);
    expect(isNdjsonInvalidLine(value)).toBe(false);
  });

  test("an invalid line is kept to a readable length", async () => {
    const [value] = await decode([`${"x".repeat(5000)}\n`]);
    expect(isNdjsonInvalidLine(value) && value.line.length).toBeLessThan(600);
  });

  test("many lines in one big chunk", async () => {
    const lines = Array.from({ length: 20_000 }, (_, index) => JSON.stringify({ index })).join("\n");
    const values = await decode([lines]);
    expect(values).toHaveLength(20_000);
    expect(values.at(-1)).toEqual({ index: 19_999 });
  });
});
