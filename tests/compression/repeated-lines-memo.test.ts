import { expect, test } from "bun:test";
import { hasRepeatedLines } from "../../src/compression/repeated-lines";

/**
 * hasRepeatedLines keeps its last answer for the same text (compress-text.ts asks twice): texts of
 * the same length, asked in turn, must each get their own answer.
 */
test("texts of the same length asked in turn each get their own answer", () => {
  const repeated = "a\na\na\na\n";
  const different = "a\nb\nc\nd\n";
  expect(repeated.length).toBe(different.length);
  for (let round = 0; round < 3; round++) {
    expect(hasRepeatedLines(repeated)).toBe(true);
    expect(hasRepeatedLines(repeated)).toBe(true);
    expect(hasRepeatedLines(different)).toBe(false);
    expect(hasRepeatedLines(`${"a\n".repeat(3)}a\n`)).toBe(true);
    expect(hasRepeatedLines(different.slice())).toBe(false);
  }
});
