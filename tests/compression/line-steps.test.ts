import { describe, expect, test } from "bun:test";
import { collapseBlankLines, normalizeLineEndings, trimTrailingWhitespace } from "../../src/compression/line-whitespace";
import { collapseRepeatedLines, parseRepeatMarker, repeatMarker } from "../../src/compression/repeated-lines";

describe("line endings", () => {
  test("CRLF becomes LF on flush-left and blank lines", () => {
    expect(normalizeLineEndings("one\r\n\r\ntwo\r\n")).toBe("one\n\ntwo\n");
  });
  test("indented lines keep CRLF (they may be code)", () => {
    expect(normalizeLineEndings("text\r\n    code();\r\n")).toBe("text\n    code();\r\n");
  });
});

describe("trailing whitespace", () => {
  test("goes from flush-left lines and whitespace-only lines", () => {
    expect(trimTrailingWhitespace("Summary:   \n  \t\nDone.\t\n")).toBe("Summary:\n\nDone.\n");
  });
  test("stays on indented lines and on blank lines inside indented code", () => {
    const code = "Example:\n\n    if x:   \n        \n        y()  \n";
    expect(trimTrailingWhitespace(code)).toBe(code);
  });
  test("a last line without newline is trimmed too", () => {
    expect(trimTrailingWhitespace("end   ")).toBe("end");
  });
});

describe("blank lines", () => {
  test("runs of more than two blank lines become two", () => {
    expect(collapseBlankLines("a\n\n\n\n\n\nb\n")).toBe("a\n\n\nb\n");
  });
  test("runs of two are kept (two blank lines separate Python definitions)", () => {
    expect(collapseBlankLines("a\n\n\nb\n")).toBe("a\n\n\nb\n");
  });
  test("blank runs inside indented code are kept", () => {
    const code = "    a = 1\n\n\n\n\n    b = 2\n";
    expect(collapseBlankLines(code)).toBe(code);
  });
});

describe("repeated lines", () => {
  test("a run of identical lines becomes the line and an exact count", () => {
    const output = `start\n${"Waiting for database...\n".repeat(1412)}ready\n`;
    expect(collapseRepeatedLines(output)).toBe(`start\nWaiting for database...\n${repeatMarker(1411)}\nready\n`);
    expect(repeatMarker(1411)).toBe("[… previous line repeated 1,411 more times …]");
    expect(parseRepeatMarker(repeatMarker(1411))).toBe(1411);
  });
  test("three identical lines are left", () => {
    const output = "x = compute()\nx = compute()\nx = compute()\n";
    expect(collapseRepeatedLines(output)).toBe(output);
  });
  test("identical indented lines are left (they may be code)", () => {
    const code = `values = [\n${"    0,\n".repeat(12)}]\n`;
    expect(collapseRepeatedLines(code)).toBe(code);
  });
  test("lines that differ by a counter are not collapsed", () => {
    const output = Array.from({ length: 20 }, (_, index) => `retry ${index}`).join("\n");
    expect(collapseRepeatedLines(output)).toBe(output);
  });
  test("collapsing is idempotent", () => {
    const once = collapseRepeatedLines("a\na\na\na\na\n");
    expect(collapseRepeatedLines(once)).toBe(once);
  });
});
