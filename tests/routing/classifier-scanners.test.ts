import { describe, expect, test } from "bun:test";
import { looksLikeToolError } from "../../src/routing/classifier/error-signals";
import { addArgumentPaths } from "../../src/routing/classifier/extract-task-text";
import { humanWordsIn } from "../../src/routing/classifier/human-words";
import { hasCodeLikeToken } from "../../src/routing/classifier/features";
import { addPathsFrom, forEachPathToken, lineSuffixStart, withoutLineSuffix } from "../../src/routing/classifier/file-paths";
import { isJsWhitespace } from "../../src/routing/classifier/js-whitespace";
import { hasColumns } from "../../src/routing/classifier/pasted-output";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";
import { referenceAddArgumentPaths, referenceHumanWordsIn, referenceLooksLikeToolError } from "./reference/error-signals-reference";
import { referenceHasCodeLikeToken } from "./reference/code-like-token-reference";
import { referenceAddPathsFrom, referenceHasColumns, referencePathTokens, referenceWithoutLineSuffix } from "./reference/file-paths-reference";

/**
 * The path scanner (from the dots outward instead of a regex match per token), the line-suffix cut,
 * the command-table test (separators counted instead of a split per line), the tool-error test
 * (plain words searched with includes) and Cline's human-words lookup were tuned for speed. Their
 * results must be exactly the untuned ones (tests/routing/reference/), or the `files` and
 * `pasted-output` features, the tool-error counts, and with them the trained weights, would mean
 * something else.
 * Compared on every text of every labelled and blind evaluation case, and on edge cases.
 */
function textsOf(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) textsOf(item, into);
  else if (value && typeof value === "object") for (const item of Object.values(value)) textsOf(item, into);
}

const texts: string[] = [];
for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b", "c", "d", "e", "f", "g"])]) textsOf(entry.request, texts);
texts.push(...[..."abc"].map((_, index) => texts.slice(index * 50, index * 50 + 50).join("\n\n")));
const unicodeSpaces = "\u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200b\u0085";
texts.push(
  "",
  ".",
  "..",
  "a.b",
  "ab.",
  ".ts",
  "src/a.ts:12:3: error",
  "see (src/index.ts) and [lib/x.py], {a.go}; b.rs=c.md|d.sh `e.js` 'f.tsx' \"g.vue\" <h.css>",
  ...[...unicodeSpaces].map((space) => `x${space}file.ts${space}y.py`),
  "\tsrc/a.ts\vsrc/b.ts\fsrc/c.ts\rsrc/d.ts",
  `${"a".repeat(299)}.ts ${"b".repeat(300)}.py ${"c".repeat(296)}.ts`,
  `${"word ".repeat(7_999)}edge.ts and beyond.ts`,
  `${"x".repeat(39_995)}a.ts.go more.ts`,
  "a.b.c.d.e file.name.with.dots.json trailing.ts. end.py:",
  "😀.ts 😀 file😀.py",
);

describe("the tuned classifier scanners agree with the untuned ones", () => {
  test(`path tokens: same tokens in the same order on ${texts.length} texts`, () => {
    expect(texts.length).toBeGreaterThan(3000);
    let tokens = 0;
    for (const text of texts) {
      const found: string[] = [];
      forEachPathToken(text, (source, start, stop) => found.push(source.slice(start, stop)));
      expect(found).toEqual(referencePathTokens(text));
      tokens += found.length;
    }
    expect(tokens).toBeGreaterThan(1000);
  });

  test("line suffixes: the same token left", () => {
    const tokens = texts.flatMap((text) => {
      const found: string[] = [];
      forEachPathToken(text, (source, start, stop) => found.push(source.slice(start, stop)));
      return found;
    });
    const edges = ["a.ts:12", "a.ts:12:5", "a.ts:12:", "a.ts:12::", "a.ts::12", "a.ts:", "a.ts.", "a.ts?!", "a.ts:.", "a.ts.:12", "a.ts:12.", "a.ts:x:12", ":12", "12", ":1:2:3:", "a:", "a::", "...", "a.ts:12:5:7", "a.ts:1a:2", "a.ts:١٢", "x.go:42:10:"];
    let changed = 0;
    for (const token of [...tokens, ...edges]) {
      const expected = referenceWithoutLineSuffix(token);
      if (withoutLineSuffix(token) !== expected) throw new Error(`disagree on ${JSON.stringify(token)}: expected ${JSON.stringify(expected)}`);
      // The same cut on the token inside a text (bounds, not a copy), where the characters around it are digits and colons.
      const inside = `1:${token}:2`;
      if (inside.slice(2, lineSuffixStart(inside, 2, inside.length - 2)) !== expected) throw new Error(`disagree inside a text on ${JSON.stringify(token)}`);
      if (expected !== token) changed++;
    }
    expect(changed).toBeGreaterThan(100);
  });

  test("command-table columns: same answer for every line", () => {
    const lines = texts.flatMap((text) => text.split("\n"));
    lines.push("a  b  c  d", "a\tb\tc\td", "a \t b", "   ", "a   \t\t", "a b c d e f", "\t\t\t", "  \t  \t  ", "a  b", "x  y\tz  w", " \t \t \t");
    let columns = 0;
    for (const line of lines) {
      const expected = referenceHasColumns(line);
      if (hasColumns(line) !== expected) throw new Error(`disagree on ${JSON.stringify(line)}: expected ${expected}`);
      if (expected) columns++;
    }
    expect(columns).toBeGreaterThan(50);
  });

  test("tool errors: the same answer on every text and on each word alone", () => {
    const words = ["FAIL", "failed", "panic:", ": error:", "xception", "error TS2345", "error[E0382]", "Exit code 1", "exit status: 2", "not found in file", "Error: x", "Error: (none)", "Error", "The tool execution failed", "command failed", "Command failed", "<tool_use_error>", "AssertionError", "DATA RACE", "linter errors", "Fail", "FAILED", "error TS", "Exit code 0", "0 failed", "10 failed", "2.0 failed", "x=0 failed", "0 tests failed", "0  xfailed", "failed=0", "FAILED: 0", "failed: 0.5", "failed 0x1", "failed=05", "Errors: 0", "Error: 0", "Errors:0 ", "ErrorCount=0", "KeyError: 0", "x\nKeyError: 0", "Error: 0x8007", "(0 FAILED)", "|0 failed|"];
    const samples = [...texts, ...words, ...words.map((word) => `ok\n${word}\nok`), ...words.map((word) => `${"x".repeat(900)}${word}${"y".repeat(900)}`), ...words.map((word) => `${"x".repeat(1_000)}${word}`)];
    let errors = 0;
    for (const sample of samples) {
      const expected = referenceLooksLikeToolError(sample);
      if (looksLikeToolError(sample) !== expected) throw new Error(`disagree on ${JSON.stringify(sample.slice(0, 200))}: expected ${expected}`);
      // The second answer may come from the memo of recent answers (error-signals.ts).
      if (looksLikeToolError(sample) !== expected) throw new Error(`disagree the second time on ${JSON.stringify(sample.slice(0, 200))}: expected ${expected}`);
      if (expected) errors++;
    }
    expect(errors).toBeGreaterThan(300);
    // Results that share their first and last 800 characters share the answer; those that differ
    // inside those ends, or by one character at an edge, each get their own.
    const middle = "x".repeat(2_000);
    for (const [head, tail] of [["Error: (none)", "ok"], ["ok", "FAIL"], ["ok", "FAI"], ["panic", "ok"], ["panic:", "ok"]]) {
      for (const filler of ["", middle, middle + middle]) {
        const sample = `${head}${"a".repeat(800)}${filler}${"b".repeat(800)}${tail}`;
        expect(looksLikeToolError(sample)).toBe(referenceLooksLikeToolError(sample));
        expect(looksLikeToolError(`\n${sample}`)).toBe(referenceLooksLikeToolError(`\n${sample}`));
      }
    }
    // The memo finds an entry by a sample of the characters (every 16th): results that differ only
    // between the sampled ones share its slot, and each must still get its own answer, in turn.
    const plain = "a".repeat(300);
    const failed = `a${"failed"}${"a".repeat(293)}`;
    const longPlain = `${"a".repeat(3_000)}`;
    const longFailed = `${"a".repeat(2_500)}${"a".repeat(17)}failed${"a".repeat(477)}`;
    for (let round = 0; round < 3; round++) {
      for (const sample of [plain, failed, longPlain, longFailed, `${plain}b`, `b${plain.slice(1)}`]) expect(looksLikeToolError(sample)).toBe(referenceLooksLikeToolError(sample));
    }
    expect(looksLikeToolError(failed)).toBe(true);
    expect(looksLikeToolError(longFailed)).toBe(true);
  });

  test("Cline's human words: the same words on every text", () => {
    const tagged = ["<feedback>fix it</feedback>", "x<answer>yes", `${"a".repeat(589)}<feedback>late</feedback>`, `${"a".repeat(591)}<feedback>too late</feedback>`, "<user_message>a</user_message><feedback>b</feedback>", "<answer>1</answer><answer>2</answer>", `<feedback>${"z".repeat(2_000)}`, "<answer>a</answer><feedback>f</feedback>", "<user_message>u</user_message><answer>a</answer>", "<<feedback>x", "<f<feedback>x</feedback>", "<a<answer>y", "<u <user_message>z", "<feedbac>no</feedbac><answer>yes</answer>", `${"<".repeat(700)}<feedback>far</feedback>`, `${"<a".repeat(295)}<answer>late</answer>`];
    let found = 0;
    for (const sample of [...texts, ...tagged]) {
      const expected = referenceHumanWordsIn(sample);
      expect(humanWordsIn(sample)).toBe(expected);
      if (expected !== undefined) found++;
    }
    expect(found).toBeGreaterThan(20);
  });

  test("JavaScript white space: what \\s matches and trim removes, on every UTF-16 code unit", () => {
    let spaces = 0;
    for (let code = 0; code < 0x10000; code++) {
      const character = String.fromCharCode(code);
      const expected = /\s/.test(character);
      if (`a${character}a`.trim() !== `a${character}a` || (character.trim() === "") !== expected) throw new Error(`\\s and trim disagree on ${code}`);
      if (isJsWhitespace(code) !== expected) throw new Error(`disagree on ${code}: expected ${expected}`);
      if (expected) spaces++;
    }
    expect(spaces).toBe(25);
  });

  test("code-like tokens: the same answer on every text and at the edges of a token", () => {
    const edges = ["a(b)[c]{d}<e>", "a(b)[c]{d}<", "  a(b)[c]{d}<e>  ", "x\u00a0a(b)[c]{d}<e>", "a(b)[c]\u2028{d}<e>f", "é(b)[c]{d}<e>", "abcdefghijk!!!!!!", "abcdefghijk!!!!!", "\ta.b.c.d.e.f.g\n", ""];
    let found = 0;
    for (const sample of [...texts, ...edges]) {
      const expected = referenceHasCodeLikeToken(sample);
      if (hasCodeLikeToken(sample) !== expected) throw new Error(`disagree on ${JSON.stringify(sample.slice(0, 200))}: expected ${expected}`);
      if (expected) found++;
    }
    expect(found).toBeGreaterThan(100);
  });

  test("file names: the same names in the same order on every text", () => {
    const extensions = ["ts", "tsx", "t", "tsxx", "yml", "yaml", "yaaml", "ml", "hpp", "h", "hp", "cpp", "c", "cc", "ccc", "ipynb", "ipynbx", "TS", "Ts", "json5", ""];
    const edges = extensions.flatMap((extension) => [`src/a.${extension}`, `a.${extension}:12:3`, `a.${extension}.`, `x.y.${extension}`, `.${extension}`, `1.${extension}`, `node_modules/a.${extension}`, `a.${extension}x`]);
    let names = 0;
    for (const text of [...texts, edges.join(" "), ...edges]) {
      const expected = new Set<string>();
      referenceAddPathsFrom(text, expected);
      const found = new Set<string>();
      addPathsFrom(text, found);
      expect([...found]).toEqual([...expected]);
      names += expected.size;
    }
    expect(names).toBeGreaterThan(500);
  });

  test("tool-call argument paths: the same paths in the same order on every text and tool call", () => {
    const calls: string[] = [];
    for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b", "c", "d", "e", "f", "g"])]) {
      for (const message of (entry.request as { messages: Array<{ tool_calls?: Array<{ function?: { arguments?: string } }> }> }).messages) {
        for (const call of message.tool_calls ?? []) if (typeof call.function?.arguments === "string") calls.push(call.function.arguments);
      }
    }
    const edges = [
      '{"path":"b.ts","file_path":"a.ts"}',
      '{"file_path":"a.ts","path":"b.ts","file_path":"c.ts"}',
      '"path":"x.ts"',
      '{"notebook_path":"n.ipynb","filePath":"f.ts","target_file":"t.ts","relative_workspace_path":"r.ts"}',
      '{"path":"unclosed',
      `{"path":"${"p".repeat(299)}","file_path":"${"q".repeat(300)}"}`,
      '{"x":"a":"path":"y.ts"}',
      '":":":"path":"z.ts"',
      '{"content":"say \\"path\\":\\"no.ts\\"","path":"yes.ts"}',
      '{"a_path":"no.ts","path":"yes.ts"}',
      "",
      '":"',
    ];
    let found = 0;
    for (const sample of [...calls, ...texts, ...edges]) {
      const expected: string[] = [];
      referenceAddArgumentPaths(sample, expected);
      const paths: string[] = [];
      addArgumentPaths(sample, paths);
      expect(paths).toEqual(expected);
      found += expected.length;
    }
    expect(calls.length).toBeGreaterThan(100);
    expect(found).toBeGreaterThan(100);
  });
});
