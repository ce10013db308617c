import { describe, expect, test } from "bun:test";
import { arrayElement } from "../../src/db/column-arrays";
import { isoTime } from "../../src/db/iso-time";
import { quoted, quotedTwice, quotedTwiceJson } from "../../src/db/literal-quote";
import { type RecordField, recordArrayLiteral } from "../../src/db/record-array-insert";
import { MAX_STORED_TEXT, storedJson, storedValue } from "../../src/db/stored-text";

/**
 * The literal encoders' shortcuts (JSON.stringify as the quoting, a cached second for
 * toISOString, JSON text without a copy of the value) give exactly what the plain way gives, on
 * every character the shortcut's test exists for. The database round trips are in
 * queries.test.ts, cache-queries.test.ts and stored-text.test.ts.
 */
const plainQuoted = (text: string) => `"${text.replace(/["\\]/g, "\\$&")}"`;
const plainQuotedTwice = (text: string) => `\\"${text.replace(/["\\]/g, "\\\\\\$&")}\\"`;

const EMOJI = "\u{1F600}";
const awkward = [
  "",
  " ",
  "NULL",
  "plain",
  '"',
  "\\",
  '\\"',
  'say "hi"',
  "ends with \\",
  "a,b}{c(1,2)",
  "line\nbreak\ttab",
  'quote " and newline\n',
  'quote " and \u0001 control',
  "back\\slash and \u001f",
  'quote " and naïve ✓ 日本語 🎉',
  `quote " and half an emoji ${EMOJI[0]}`,
  `backslash \\ and the other half ${EMOJI[1]}`,
  "\u2028\u2029\u007f\u0080\uffff",
  JSON.stringify({ choices: [{ message: { content: 'He said "hi" \\ then\n' } }] }),
];

/** Random text over the characters the shortcuts care about, and some they do not. */
function randomTexts(count: number): string[] {
  const alphabet = ['"', "\\", "\n", "\u0000", "\u0001", "\u001f", " ", ",", "{", "}", "a", "é", "✓", EMOJI, EMOJI[0]!, EMOJI[1]!, "\u2028"];
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""));
}

describe("literal quoting", () => {
  test("quoted and quotedTwice equal the plain backslashing on awkward and random text", () => {
    for (const text of [...awkward, ...randomTexts(5_000)]) {
      expect(quoted(text)).toBe(plainQuoted(text));
      expect(quotedTwice(text)).toBe(plainQuotedTwice(text));
    }
  });

  test("quotedTwiceJson equals the plain backslashing on any JSON.stringify output, remembered or not", () => {
    // More texts than it remembers, twice over: first computed, then from memory or computed again after it was emptied.
    const texts = [...awkward, ...randomTexts(2_000), "x".repeat(300)];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) {
        const json = JSON.stringify({ [text]: [text, 1, null] });
        expect(quotedTwiceJson(json)).toBe(plainQuotedTwice(json));
        expect(quotedTwiceJson(json)).toBe(plainQuotedTwice(json));
      }
    }
  });

  test("array elements: text, JSON, numbers, dates, null", () => {
    expect(arrayElement('a"b')).toBe('"a\\"b"');
    expect(arrayElement(["x", 'y"'])).toBe(plainQuoted(JSON.stringify(["x", 'y"'])));
    expect(arrayElement(Number.NaN)).toBe('"NaN"');
    expect(arrayElement(null)).toBe("NULL");
    expect(arrayElement(new Date("2026-03-04T05:06:07.891Z"))).toBe('"2026-03-04T05:06:07.891Z"');
    expect(arrayElement(new Date(Number.NaN))).toBe("NULL");
  });
});

describe("row array literal", () => {
  test("fields in the given order, a column the schema does not know left empty, defaults for undefined, text and JSON quoted twice", () => {
    const fields: RecordField[] = [
      { key: "text", column: { default: undefined, defaultFn: undefined } },
      undefined,
      { key: "count", column: { default: 0, defaultFn: undefined } },
      { key: "json", column: { default: undefined, defaultFn: undefined } },
      { key: "at", column: { default: undefined, defaultFn: undefined } },
      { key: "flag", column: { default: undefined, defaultFn: () => true } },
    ];
    const at = new Date("2026-03-04T05:06:07.891Z");
    const rows = [
      { text: 'say "hi"\n', count: 3, json: [{ error: 'a "b"' }], at, flag: false },
      { text: "", json: null, at: null },
      { text: "NULL", count: Number.NaN, json: ["x"], at: new Date(Number.NaN), flag: undefined },
    ];
    const json = (value: unknown) => plainQuotedTwice(JSON.stringify(value));
    expect(recordArrayLiteral(fields, rows)).toBe(
      `{"(${plainQuotedTwice('say "hi"\n')},,3,${json([{ error: 'a "b"' }])},2026-03-04T05:06:07.891Z,f)",` +
        `"(${plainQuotedTwice("")},,0,,,t)",` +
        `"(${plainQuotedTwice("NULL")},,NaN,${json(["x"])},,t)"}`,
    );
  });
});

describe("isoTime", () => {
  test("equals toISOString within a second, across seconds, before 1970 and in far years", () => {
    // In order from each start, so most calls land in the second of the call before.
    for (const start of [1_764_624_000_000, 0, -62_198_755_200_000, 253_402_300_799_000]) {
      for (let step = -3_000; step < 3_000; step += 7) {
        const time = start + step * 13;
        expect(isoTime(new Date(time))).toBe(new Date(time).toISOString());
      }
    }
  });
});

describe("storedJson", () => {
  test("equals JSON.stringify(storedValue(value)), with or without anything to change", () => {
    const values: unknown[] = [
      [{ provider: "openai", model: "gpt-4o-mini" }],
      ["openai:gpt-4o-mini", 'a"b\\c'],
      { ["k\u0000ey"]: [`x${EMOJI[1]}`, 1, null, { deep: "\u0000" }] },
      [`half ${EMOJI[0]}`, EMOJI],
      ["literally \\u0000 and \\ud800, not escapes"],
      { long: "x".repeat(MAX_STORED_TEXT + 1) },
      { ["k".repeat(MAX_STORED_TEXT + 1)]: 1 },
      [{ error: "line\nbreak\u0001" }],
      ...randomTexts(1_000).map((text) => [{ provider: text, error: text }]),
    ];
    for (const value of values) expect(storedJson(value)).toBe(JSON.stringify(storedValue(value)));
  });
});
