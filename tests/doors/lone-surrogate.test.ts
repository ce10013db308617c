import { expect, test } from "bun:test";
import { parseJsonBody } from "../../src/doors/parse-json-body";
import { firstLoneSurrogate } from "../../src/doors/lone-surrogate";
import { ProxyError } from "../../src/errors";

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

test("parseJsonBody refuses a lone surrogate with a 400 naming where it is", () => {
  const bytes = new TextEncoder().encode('{"messages":[{"role":"user","content":"a\\ud800"}]}');
  let error: unknown;
  try {
    parseJsonBody(bytes);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ProxyError);
  expect(error).toMatchObject({ status: 400, code: "invalid_unicode", param: "messages[0].content" });
});
