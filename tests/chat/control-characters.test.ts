import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { hasNoControlCharacters } from "../../src/chat/control-characters";
import { MAX_NAME_LENGTH, nameSchema } from "../../src/chat/name-schema";
import { MAX_MODEL_NAME_LENGTH, modelNameSchema } from "../../src/chat/request-schema";

/**
 * The control-character check of names and model names is a search for one control character
 * (fast on long names) instead of an anchored match of the whole text: it must refuse and accept
 * exactly what the anchored `^[^\p{Cc}]*$` did, with the same issues (path and message).
 */
const anchored = /^[^\p{Cc}]*$/u;
const message = "must not contain control characters";
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
