import { expect, test } from "bun:test";
import fc from "fast-check";
import { parseJsonBody } from "../../src/doors/parse-json-body";
import { firstLoneSurrogate, withLoneSurrogatesReplaced } from "../../src/doors/lone-surrogate";
import { referenceFirstLoneSurrogate } from "./reference/lone-surrogate-reference";

/** The lone-surrogate check: escapes only, pairs pass, an escaped backslash is plain text. */
const cases: Array<[string, string, number]> = [
  ["no escapes", '{"a":"text é 😀"}', -1],
  ["a pair", '{"a":"\\ud83d\\ude00"}', -1],
  ["a pair in upper case", '{"a":"\\uD83D\\uDE00"}', -1],
  ["an escaped backslash before u", '{"a":"\\\\ud800"}', -1],
  ["three backslashes: an escaped one, then an escape", '{"a":"\\\\\\ud800"}', 8],
  ["a lone high surrogate", '{"a":"x\\ud800y"}', 7],
  ["a high surrogate at the end of the string", '{"a":"\\ud800"}', 6],
  ["a lone low surrogate", '{"a":"\\udc00"}', 6],
  ["two high surrogates", '{"a":"\\ud800\\ud800"}', 6],
  ["a high surrogate, then a low one in another string", '{"a":"\\ud800","b":"\\udc00"}', 6],
  ["a lone surrogate in a key", '{"\\udfff":1}', 2],
  ["a pair, then a lone one", '{"a":"\\ud83d\\ude00\\ud800"}', 18],
];

test.each(cases)("%s", (_, text, at) => {
  expect(firstLoneSurrogate(text)).toBe(at);
  // Every case is JSON that parses: the check is what refuses it.
  expect(() => JSON.parse(text)).not.toThrow();
});

test("parseJsonBody replaces every lone surrogate with U+FFFD and keeps pairs", () => {
  const bytes = new TextEncoder().encode('{"messages":[{"role":"user","content":"a\\ud800b\\udc00\\ud83d\\ude00\\ud83d"}],"\\udfff":1}');
  expect(parseJsonBody(bytes)).toEqual({ messages: [{ role: "user", content: "a\ufffdb\ufffd😀\ufffd" }], "\ufffd": 1 });
});

test.each(cases)("withLoneSurrogatesReplaced: %s", (_, text, at) => {
  const replaced = withLoneSurrogatesReplaced(text);
  expect(replaced.length).toBe(text.length);
  expect(firstLoneSurrogate(replaced)).toBe(-1);
  if (at < 0) expect(replaced).toBe(text);
  else expect(replaced.slice(at, at + 6)).toBe("\\ufffd");
});

test("withLoneSurrogatesReplaced leaves no lone surrogate in what it parses to, on generated texts", () => {
  const pieces = ["a", "\\ud83d", "\\ude00", "\\uD800", "\\uDFFF", "\\\\", "\\\\ud800", "é", "😀"];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
      const text = `"${parts.join("")}"`;
      const value = JSON.parse(withLoneSurrogatesReplaced(text)) as string;
      expect(value.isWellFormed()).toBe(true);
      // Where the text had no lone surrogate, nothing changed.
      if (firstLoneSurrogate(text) < 0) expect(value).toBe(JSON.parse(text));
    }),
    { numRuns: 5_000 },
  );
});

/**
 * The scan looks only where `\u` occurs (indexOf) instead of running a regex over the whole body;
 * its answers must be the regex scan's (tests/doors/reference/) on texts made of the pieces that
 * matter: backslashes, `u`, d/D, hex digits of every range, quotes and other characters.
 */
test("the indexOf scan gives the regex scan's answer on generated texts", () => {
  const pieces = ["\\", "\\\\", "\\u", "u", "d", "D", "8", "9", "a", "b", "B", "c", "C", "f", "F", "0", "e", "E", "g", "x", '"', "\\ud83d", "\\ude00", "\\uD800", "\\uDFFF", "\\udc0", "\\u00e9", "é", "😀"];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
      const text = parts.join("");
      expect(firstLoneSurrogate(text)).toBe(referenceFirstLoneSurrogate(text));
    }),
    { numRuns: 20_000 },
  );
});
