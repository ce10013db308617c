import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { fitsInLength } from "../../src/chat/bounded-length";
import { hasNoControlCharacters } from "../../src/chat/control-characters";
import { MAX_NAME_LENGTH, nameSchema } from "../../src/chat/name-schema";
import { MAX_MODEL_NAME_LENGTH, modelNameSchema } from "../../src/chat/request-schema";

/**
 * The checks of names and model names are cheap on a 1,000,000-character name: the length check
 * refuses a text of more than twice the limit without counting its code points, and the
 * control-character check searches for one instead of matching the whole text against
 * `^[^\p{Cc}]*$`. They must accept and refuse exactly what zod's `.max()` and that anchored
 * expression did, with the same issues (path and message), so every answer stays the same.
 */
const anchored = /^[^\p{Cc}]*$/u;
const message = "must not contain control characters";
/** The schemas as they were written before: zod's own length check and the anchored expression. */
const formerName = (minLength: 0 | 1) => z.string().min(minLength, "must not be empty").max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`).regex(anchored, message);
const formerModel = z.string().trim().min(1, "model is required").max(MAX_MODEL_NAME_LENGTH, `must be at most ${MAX_MODEL_NAME_LENGTH} characters`).regex(anchored, message);

const samples: string[] = [
  "",
  " ",
  "get_weather",
  "gpt-4o-mini",
  "  claude-sonnet-4-5  ",
  "naïve-名前-🙂",
  "a\u0000b",
  "a\nb",
  "\t",
  "a\u001fb",
  "a\u007fb",
  "a\u0085b",
  "a\u009fb",
  "a\u00a0b",
  "a\u2028b",
  "a\ufeffb",
  "a\ud800b",
  "\udc00",
  "x".repeat(256),
  "x".repeat(257),
  `${"x".repeat(300)}\u0000`,
  `\u001b${"x".repeat(300)}`,
  "🙂".repeat(256),
  "🙂".repeat(257),
  `${"🙂".repeat(255)}xy`,
  `${"🙂".repeat(255)}x`,
  `${"\ud800".repeat(256)}x`,
  `${"\ud800".repeat(100)}${"x".repeat(300)}`,
  `${"🙂".repeat(100)}${"x".repeat(57)}`,
  "n".repeat(1_000_000),
  `${"n".repeat(999_999)}\n`,
];

const issues = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  result.success ? [] : result.error!.issues.map(({ path, message }) => ({ path, message }));

describe("hasNoControlCharacters", () => {
  test("agrees with the anchored \\p{Cc} match on every code point and on lone surrogates", () => {
    const disagreements: number[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      const text = `a${String.fromCodePoint(codePoint)}b`;
      if (hasNoControlCharacters(text) !== anchored.test(text)) disagreements.push(codePoint);
    }
    expect(disagreements).toEqual([]);
  });

  test("agrees on long texts, with and without a control character", () => {
    for (const text of samples) expect(hasNoControlCharacters(text)).toBe(anchored.test(text));
  });
});

describe("fitsInLength", () => {
  test("agrees with zod's .max() (code points) on texts around the limit, with pairs and lone halves", () => {
    const pieces = ["x", "🙂", "\ud800", "\udc00", "é"];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const max of [1, 4, 16]) {
      const former = z.string().max(max);
      for (let sample = 0; sample < 2000; sample++) {
        let text = "";
        const length = Math.floor(random() * (3 * max + 3));
        for (let index = 0; index < length; index++) text += pieces[Math.floor(random() * pieces.length)];
        expect({ text, fits: fitsInLength(text, max) }).toEqual({ text, fits: former.safeParse(text).success });
      }
    }
  });
});

describe("name and model-name schemas answer as before", () => {
  for (const minLength of [0, 1] as const) {
    test(`nameSchema(${minLength}): the same success and the same issues for every sample`, () => {
      const current = nameSchema(minLength);
      const former = formerName(minLength);
      for (const text of samples) expect({ text: text.slice(0, 20), issues: issues(current.safeParse(text)) }).toEqual({ text: text.slice(0, 20), issues: issues(former.safeParse(text)) });
    });
  }

  test("modelNameSchema: the same success, output and issues for every sample", () => {
    for (const text of samples) {
      const current = modelNameSchema.safeParse(text);
      const former = formerModel.safeParse(text);
      expect({ text: text.slice(0, 20), issues: issues(current), data: current.data }).toEqual({ text: text.slice(0, 20), issues: issues(former), data: former.data });
    }
  });

  test("a name both too long and with a control character still gets both issues", () => {
    expect(issues(nameSchema().safeParse(`${"x".repeat(300)}\u0000`)).map((issue) => issue.message)).toEqual([`must be at most ${MAX_NAME_LENGTH} characters`, message]);
  });
});
