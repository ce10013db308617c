import { describe, expect, test } from "bun:test";
import { splitPastedOutput } from "../../src/routing/classifier/pasted-output";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";
import { referenceSplitPastedOutput } from "./reference/pasted-output-reference";

/**
 * splitPastedOutput was tuned (lines marked in one pass, diff starts without a regex, letters and
 * columns counted in one loop, the prose returned whole when no line is output). Its prose and
 * output count must be exactly the untuned one's (tests/routing/reference/), or the pasted-output
 * and task-length features, and the words the concepts are read from, would change.
 */
function textsOf(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) textsOf(item, into);
  else if (value && typeof value === "object") for (const item of Object.values(value)) textsOf(item, into);
}

const texts: string[] = [];
for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b", "c", "d", "e", "f", "g"])]) textsOf(entry.request, texts);
const pad = "a plain sentence of prose that is long enough to pass the two hundred character floor of the split. ".repeat(3);
texts.push(
  "",
  "x".repeat(199),
  "x".repeat(200),
  `${pad}\n`,
  `\n\n${pad}\n\n`,
  `${pad}\ndiff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n context\n\nprose again\n@@ -x\n@@ -2\nindex 1234567..89abcde\n`,
  `${pad}\n2024-01-01T00:00:00 one\n\n\n2024-01-01T00:00:01 two\n   \n12:30:01 three\nprose\n`,
  `${pad}\nNAME  READY  STATUS  AGE\napi\t1/1\tRunning\t3d\nweb  1/1  Running  3d\n`,
  `${pad}\na  b  c  d\na \t b\n  \t  \t  x\n12345678 90 12 34 56\n!!!!!!!!!!!!!!!!aaaaaaaaaaaaaaa\n!!!!!!!!!!!!!!!!aaaaaaaaaaaaaaaa\n`,
  `${pad}\n    at fn (a.ts:1:2)\n    at g (b.ts:3:4)\n\tat h (c.ts:5:6)\n`,
  `${pad}\n\u00a0\u00a0at x\n\u3000File "a.py", line 3\n run \`npm\`\n`,
  `${pad}\n@@ -1 +1 @@\n+a\n\\ No newline at end of file\n-b\n`,
  // Line starts whose pattern could run on into the next line in the whole text: each must stop at
  // its line's end, as on a copy of the line (three such lines in a row would count as output).
  `${pad}\n[12:30:01\n[12:30:02\n[12:30:03\nprose\n10.0.0.1\n10.0.0.2\n10.0.0.3\nprose`,
  `${pad}\n  File "aaaa\n0000000000000000000", line 3\n  File "bbbb\n0000000000000000000", line 4\n  File "cccc\n0000000000000000000", line 5\nprose`,
  `${pad}\n${" ".repeat(8)}\n${" ".repeat(8)}\n${" ".repeat(8)}\nat x\n${" ".repeat(8)}\n${" ".repeat(8)}\n${" ".repeat(8)}\nrun \`y\`\nprose`,
  `${pad}\n12345678\nok 12345678901234567890\n12345678\nok 12345678901234567890\n12345678\npassed\n12:30\n12:30\n12:30`,
  `${pad}\r\n[12:30:01\r\n[12:30:02\r\n[12:30:03\r\n\r\n  at a\r\n\u2028at b\n\u00a0\nFile "x.py", line 1\n`,
  `${pad}\n\n\n`,
);

describe("the tuned pasted-output split agrees with the untuned one", () => {
  test(`same prose and output count on ${texts.length} texts`, () => {
    expect(texts.length).toBeGreaterThan(3000);
    let withOutput = 0;
    for (const text of texts) {
      const expected = referenceSplitPastedOutput(text);
      const found = splitPastedOutput(text);
      if (found.prose !== expected.prose || found.outputChars !== expected.outputChars) throw new Error(`disagree on ${JSON.stringify(text.slice(0, 200))}`);
      if (expected.outputChars > 0) withOutput++;
    }
    expect(withOutput).toBeGreaterThan(100);
  });
});
