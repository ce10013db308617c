import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { classifyRequest } from "../../src/routing/classifier/classify-request";
import { describeRequest } from "../../src/routing/classifier/describe-request";
import { extractTaskText } from "../../src/routing/classifier/extract-task-text";
import { earlierHardConcepts, hardConceptsIn } from "../../src/routing/classifier/features";
import { agentRequestBodies } from "../../bench/agent-requests";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";

/**
 * The session's earlier human turns are counted for hard concepts from a memo of recent texts
 * (features.ts: agent clients send the same turns with every request). An answer from memory must
 * be the one the count itself gives, for the very same text only: checked on every labelled and
 * blind evaluation case and the benchmark's agent requests, in two orders, and on twins of one
 * length that differ by a word or a character where the count reads.
 */
const requests: unknown[] = [];
for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b", "c", "d", "e", "f", "g", "h"])]) requests.push(entry.request);
for (const client of ["claude-code", "cline"] as const) {
  for (const size of [100_000, 200_000, 500_000]) {
    const next = agentRequestBodies(client, size);
    // The benchmark's own questions: the latest turn's length changes with its number (a follow-up or not).
    for (let index = 0; index < 12; index++) requests.push(JSON.parse(next()));
  }
}
const parsed = requests.map((request) => chatRequestSchema.parse(request));

function sessionTexts(): string[] {
  const texts: string[] = [];
  for (const request of parsed) {
    const task = extractTaskText(request);
    if (task.earlier.length > 0) texts.push(task.earlier.join("\n\n"));
    for (const turn of [...task.human, ...task.earlier]) texts.push(turn);
  }
  return texts;
}

describe("the earlier turns' hard concepts from memory", () => {
  test("the same count as reading them, on every case's turns, the first time and from memory", () => {
    const texts = sessionTexts();
    expect(texts.filter((text) => text.length >= 256).length).toBeGreaterThan(300);
    let hard = 0;
    for (const order of [texts, [...texts].reverse()]) {
      for (const text of order) {
        const expected = hardConceptsIn(text);
        expect(earlierHardConcepts(text)).toBe(expected);
        expect(earlierHardConcepts(text)).toBe(expected);
        if (expected > 0) hard++;
      }
    }
    expect(hard).toBeGreaterThan(100);
  });

  test("twins of one length get their own counts", () => {
    const filler = "We went through the handlers one by one and wrote down what each of them does today. ".repeat(30);
    const base = `${filler}The worker pool has a deadlock when two jobs take the locks in opposite order. ${filler}`;
    const twins = [
      base,
      base.replace("deadlock", "teaparty"),
      base.replace("deadlock", "deadlocK"),
      `${filler}The worker pool has a teaparty when two jobs take the locks in opposite order. ${filler}`,
      `${base.slice(0, -1)}!`,
      // Past SESSION_CAP the count reads the first 70% and the last 30%: a hard word in the tail counts.
      `${filler}${filler}${filler}race condition in the cache`,
      `${filler}${filler}${filler}plain condition in the cache`,
    ];
    for (let round = 0; round < 3; round++) {
      for (const twin of round === 1 ? [...twins].reverse() : twins) expect(earlierHardConcepts(twin)).toBe(hardConceptsIn(twin));
    }
    expect(new Set(twins.map(hardConceptsIn)).size).toBeGreaterThan(1);
  });

  test("every case's session feature is the count read afresh, and its classification the same again", () => {
    let counted = 0;
    for (const order of [parsed, [...parsed].reverse()]) {
      for (const request of order) {
        const { vector, facts } = describeRequest(request);
        const earlier = extractTaskText(request).earlier;
        const closing = facts.latestConcepts.has("acknowledgement") || facts.latestConcepts.has("greeting");
        const expected = closing || earlier.length === 0 ? 0 : Math.min(hardConceptsIn(earlier.join("\n\n")), 3);
        expect(vector["session:hard-earlier"]).toBe(expected);
        if (expected > 0) counted++;
      }
    }
    expect(counted).toBeGreaterThan(40);
    const first = parsed.map((request) => JSON.stringify(classifyRequest(request)));
    const again = parsed.map((request) => JSON.stringify(classifyRequest(request)));
    for (let index = 0; index < parsed.length; index++) expect(again[index]).toBe(first[index]!);
  });
});
