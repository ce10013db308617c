import { expect, test } from "bun:test";
import fc from "fast-check";
import { mixedAgentBodies } from "../../bench/agent-requests";
import { oneByteJsonText } from "../../src/doors/one-byte-json-text";
import { parseDecodedJsonBody, parseJsonBody } from "../../src/doors/parse-json-body";

/**
 * The door parses a mostly-ASCII body from an 8-bit text with its non-ASCII runs as JSON escapes
 * (one-byte-json-text.ts). It must return what decoding the body as sent returns, value for value,
 * and refuse what that refuses, in the same words.
 */
const encode = (text: string) => new TextEncoder().encode(text);
/** Enough ASCII around a few non-ASCII characters for the body to count as mostly ASCII. */
const padding = "x".repeat(4000);

/** What a parse returns, or the refusal it throws (message, field, code). */
function outcome(parse: (bytes: Uint8Array) => unknown, bytes: Uint8Array): unknown {
  try {
    return { value: parse(bytes) };
  } catch (error) {
    const { message, param, code, status } = error as { message: string; param: unknown; code: unknown; status: unknown };
    return { refused: { message, param, code, status } };
  }
}

const expectSameAsDecoded = (bytes: Uint8Array) => expect(outcome(parseJsonBody, bytes)).toEqual(outcome(parseDecodedJsonBody, bytes));

test("the agent benchmark bodies (10 KB to 500 KB): an ASCII text, and the same request", () => {
  for (const size of [10_000, 100_000, 200_000, 500_000]) {
    const { body } = mixedAgentBodies(size);
    for (let index = 0; index < 2; index++) {
      const bytes = encode(body());
      const text = oneByteJsonText(bytes);
      // From 100 KB they paste this repository's sources, which have em dashes and arrows; the
      // smallest are ASCII, which TextDecoder already makes an 8-bit string.
      expect(text !== undefined || bytes.every((byte) => byte < 0x80)).toBe(true);
      if (size >= 100_000) expect(text).toBeDefined();
      if (text !== undefined) {
        expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
        expect(JSON.parse(text)).toEqual(parseDecodedJsonBody(bytes) as object);
      }
      expectSameAsDecoded(bytes);
    }
  }
});

test("characters of every width: Latin-1, the rest of the BMP, past U+FFFF, line separators", () => {
  const text = `{"pad":"${padding}","a":"é—😀\u2028\u0085\u00ff\uffff","é":["ñ",{"😀":"\u4e2d\u6587"}]}`;
  const bytes = encode(text);
  expect(oneByteJsonText(bytes)).toBeDefined();
  expect(parseJsonBody(bytes)).toEqual(JSON.parse(text));
});

test("what the 8-bit text cannot stand for is left to the decoded text", () => {
  expect(oneByteJsonText(encode(`{"a":"${padding}"}`))).toBeUndefined(); // ASCII: decoded as it is
  expect(oneByteJsonText(encode(`{"a":"${"é".repeat(200)}"}`))).toBeUndefined(); // not mostly ASCII
  expect(oneByteJsonText(encode(`{"pad":"${padding}","a":"\\é"}`))).toBeUndefined(); // "\é" is no escape
  expect(oneByteJsonText(new Uint8Array([...encode(`{"pad":"${padding}","a":"`), 0xc3, 0x28, 0x22, 0x7d]))).toBeUndefined(); // not UTF-8
});

/** Bodies both ways must refuse alike (or accept alike): a run outside a string, escapes around runs, bad bytes. */
const edgeBodies: Array<[string, Uint8Array]> = [
  ["a byte order mark in front (the decoder drops it)", encode(`\ufeff{"pad":"${padding}","a":"é"}`)],
  ["non-ASCII after the value", encode(`{"pad":"${padding}","a":"é"}—`)],
  ["non-ASCII where a value belongs", encode(`{"pad":"${padding}","a":—}`)],
  ["an escaped backslash before non-ASCII", encode(`{"pad":"${padding}","a":"\\\\—"}`)],
  ["a lone backslash before non-ASCII", encode(`{"pad":"${padding}","a":"\\—"}`)],
  ["an unfinished escape before non-ASCII", encode(`{"pad":"${padding}","a":"\\u00—"}`)],
  ["a lone high surrogate before a character past U+FFFF", encode(`{"pad":"${padding}","a":"\\ud83d😀"}`)],
  ["a character past U+FFFF before a lone low surrogate", encode(`{"pad":"${padding}","a":"😀\\ude00"}`)],
  ["a lone surrogate in a key, with non-ASCII", encode(`{"pad":"${padding}","\\udfff—":1}`)],
  ["nested too deep, with non-ASCII", encode(`{"pad":"${padding}","a":"é","b":${"[".repeat(200)}${"]".repeat(200)}}`)],
  ["not JSON after non-ASCII", encode(`{"pad":"${padding}","a":"é",}`)],
  ["invalid UTF-8 after non-ASCII", new Uint8Array([...encode(`{"pad":"${padding}","a":"é`), 0xed, 0xa0, 0x80, 0x22, 0x7d])],
  ["an overlong encoding", new Uint8Array([...encode(`{"pad":"${padding}","a":"`), 0xc0, 0xaf, 0x22, 0x7d])],
];

test.each(edgeBodies)("%s: the same outcome as the decoded body", (_, bytes) => {
  expectSameAsDecoded(bytes);
});

test("generated values with a little of any Unicode: the same outcome as the decoded body", () => {
  const value = fc.jsonValue({ maxDepth: 4, stringUnit: fc.constantFrom("a", "\\", '"', "é", "—", "😀", "\u2028", "\ud800", "\udc00") });
  fc.assert(
    fc.property(value, fc.string({ unit: "grapheme", maxLength: 6 }), fc.integer({ min: 0, max: 2 }), (generated, extra, where) => {
      const json = JSON.stringify({ pad: padding, generated, extra });
      // Also a run put raw outside a string, in one of two places.
      const text = where === 0 ? json : where === 1 ? `${extra}${json}` : `${json.slice(0, -1)},${extra}}`;
      expectSameAsDecoded(encode(text));
    }),
    { numRuns: 1500 },
  );
});
