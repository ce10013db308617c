import { benchMessages } from "./bench-question";
import { largestEvalCase } from "./largest-eval-case";

/**
 * The two requests the benchmark's cache-hit phases repeat: the small question (without the
 * numbered line, so every send is the same request) and the largest blind routing-eval request
 * (a ~44 KB Claude Code turn with its tools). One definition for run-benchmark.ts and ab-compare.ts.
 */
export const hitBodies = {
  small: JSON.stringify({ model: "gpt-4o-mini", messages: benchMessages, temperature: 0.2 }),
  large: JSON.stringify({ ...largestEvalCase(), model: "gpt-4o-mini", temperature: 0.2, stream: false }),
};
