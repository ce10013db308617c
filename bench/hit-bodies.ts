import { readFileSync } from "node:fs";
import { join } from "node:path";
import { benchMessages } from "./bench-question";

/**
 * The two requests the benchmark's cache-hit phases repeat: the small question (without the
 * numbered line, so every send is the same request) and the largest blind routing-eval request
 * (a ~44 KB Claude Code turn with its tools). One definition for run-benchmark.ts and ab-compare.ts.
 */
export const hitBodies = {
  small: JSON.stringify({ model: "gpt-4o-mini", messages: benchMessages, temperature: 0.2 }),
  large: JSON.stringify({ ...largestEvalCase(), model: "gpt-4o-mini", temperature: 0.2, stream: false }),
};

function largestEvalCase(): Record<string, unknown> {
  const lines = readFileSync(join(import.meta.dir, "..", "tests", "fixtures", "routing-eval", "blind", "a", "cases.jsonl"), "utf8").split("\n").filter(Boolean);
  const requests = lines.map((line) => (JSON.parse(line) as { request: Record<string, unknown> }).request);
  return requests.reduce((largest, request) => (JSON.stringify(request).length > JSON.stringify(largest).length ? request : largest));
}
