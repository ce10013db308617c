import { describe, expect, test } from "bun:test";
import { TASK_CONCEPTS, TASK_PHRASES } from "../../src/routing/classifier/concepts";
import { computeFeatures } from "../../src/routing/classifier/features";
import { splitProse } from "../../src/routing/classifier/split-prose";
import { extractTaskText } from "../../src/routing/classifier/extract-task-text";
import { LINE_START, hasOutputLine, mayStartOutput, splitPastedLines, splitPastedOutput } from "../../src/routing/classifier/pasted-output";
import { compilePhrases } from "../../src/routing/classifier/phrase-matcher";
import type { ChatRequest } from "../../src/chat/request-schema";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";

/**
 * A task of several turns is read as its latest turn plus the turns before it, whose reading is
 * remembered (features.ts, joinedTask): every part must be what reading the joined text gives.
 * Checked on pairs of real turns from the evaluation sets and on texts made to sit on the seam:
 * phrases, fences, output lines, diffs and stack traces split between the two parts.
 */
type Lists = Record<string, readonly (readonly string[])[]>;
const matcher = compilePhrases(TASK_PHRASES as unknown as Lists);

const turns: string[] = [];
for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "f"])]) {
  for (const message of (entry.request as { messages: Array<{ role: string; content: unknown }> }).messages) {
    if (message.role === "user" && typeof message.content === "string" && message.content.trim() !== "" && message.content.length < 2_800) turns.push(message.content.trim());
  }
}
const seams = [
  ["we have a race", "condition in the ledger and a deadlock"],
  ["this is a lock", "free queue, is it safe?"],
  ["is this", "safe to ship before we go live"],
  // The longest phrase (six slots) from the head's last word.
  ["so is", "the new login flow safe enough"],
  ["it takes", "12 seconds to load 5 files"],
  ["a race", "detector found nothing"],
  ["we lost", "data and the rows drift over time"],
  ["double", "charge on retries, must not lose money"],
  ["can’t", "’reproduce locally"],
  ["İstanbul race", "condition"],
  ["the \u212Aelvin lock", "order"],
  ["ΟΔΟΣ", "Σ race"],
  ["what is 100", "% of it"],
  ["see the trace", "goroutine 1 [running]:\nmain.main()"],
  ["it crashed", "panic: runtime error: index out of range"],
  ["fix this", "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>"],
  ["look", "```ts\nconst a = 1;\n```\nand then"],
  ["paths", "src/a.ts src/b.py:12 and node_modules/x/y.js"],
  ["why?", "diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n context"],
  ["and this", "2024-01-01 10:00:00 INFO start\n2024-01-01 10:00:01 WARN slow\nnpm WARN deprecated\nok then"],
  ["done", "still failing with the same error"],
  ["2024-01-01 10:00:00 INFO a\n2024-01-01 10:00:01 INFO b", "2024-01-01 10:00:02 INFO c\nwhy does it fail?"],
  ["```ts\nconst a = 1;", "```\nwhy is this so slow under load?"],
];
const filler = "Please explain what the service does when it starts and how the configuration is read, in plain words. ";

describe("a task read as its latest turn and the turns before it", () => {
  const pairs: Array<[string, string]> = seams.map(([head, rest]) => [head!, `${rest}\n${filler.repeat(3)}`]);
  for (let index = 0; index + 1 < turns.length; index += 3) pairs.push([turns[index + 1]!, turns[index]!]);

  test(`phrase counts from the rest's scan equal the joined text's, in order (${pairs.length} pairs)`, () => {
    for (const [head, rest] of pairs) {
      const restProse = splitPastedLines(splitProse(rest).prose).prose;
      const joined = matcher.countJoined(head, matcher.scan(restProse, TASK_CONCEPTS as never), TASK_CONCEPTS as never);
      expect([...joined.entries()]).toEqual([...matcher.count(`${head}\n\n${restProse}`, TASK_CONCEPTS as never).entries()]);
    }
  });

  test("a head without an output line leaves the rest's pasted-output split as it is alone", () => {
    for (const [head, rest] of pairs) {
      if (hasOutputLine(head) || `${head}\n\n${rest}`.length < 200) continue;
      const alone = splitPastedLines(rest);
      expect(splitPastedOutput(`${head}\n\n${rest}`)).toEqual({ prose: `${head}\n\n${alone.prose}`, outputChars: alone.outputChars });
    }
  });

  test("a line the start pattern matches always passes the first-character check", () => {
    const tails = ["", "9", "0 passed", "NFO", "EBUG", "ARN", "RROR", "RACE", "ATAL", "OTICE", "dded ", "udited ", "hanged ", "iff --git", "ound ", "ndex ", "pm WARN", "emoved ", "un `", "p to date ", "at x", " at x", "ile \"a\", line 1", "tep 1/2 :", "ompiling ", "ownloading ", "nstalling ", "uccessfully ", "1 2.0 ", "@ -1", "++ b/", "-- a/", "024-01-01T1", "0:00 "];
    for (let code = 0; code < 0x10000; code++) {
      const first = String.fromCharCode(code);
      for (const tail of tails) {
        const line = `${first}${tail}        `;
        LINE_START.lastIndex = 0;
        if (LINE_START.test(line)) expect({ line, may: mayStartOutput(line, 0) }).toEqual({ line, may: true });
      }
    }
  });

  test("the features of a two-turn task equal those read from the joined text, the first time and from memory", () => {
    const request = (messages: Array<{ role: string; content: string }>) => ({ model: "auto", messages }) as unknown as ChatRequest;
    for (const [head, rest] of pairs) {
      const task = `${head}\n\n${rest}`;
      if (task.length >= 6_000) continue;
      // The follow-up's turns read as two (the memo's way) and, joined, as one turn (read whole, the old way).
      const plain = request([{ role: "user", content: "x" }]);
      const base = extractTaskText(plain);
      const whole = computeFeatures(plain, { ...base, human: [task] });
      for (const pass of [1, 2]) {
        const text = { ...base, human: [head, rest] };
        const { vector, facts } = computeFeatures(plain, text);
        const taskParts = (features: typeof whole) => ({
          concepts: [...features.facts.concepts.entries()],
          taskChars: features.facts.taskChars,
          codeChars: features.facts.codeChars,
          files: features.facts.files,
          stackTrace: features.facts.stackTrace,
          length: features.vector["task-length"],
          code: features.vector["pasted-code"],
          output: features.vector["pasted-output"],
        });
        const closing = facts.latestConcepts.has("acknowledgement") || facts.latestConcepts.has("greeting");
        if (!closing) expect({ pass, head, ...taskParts({ vector, facts }) }).toEqual({ pass, head, ...taskParts(whole) });
      }
    }
  });
});
