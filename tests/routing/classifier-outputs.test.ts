import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sampleOutputs } from "../fixtures/classifier-outputs/sample-inputs";

/**
 * The classifier's whole answer (score, tier, category, reasons, every feature value, the facts
 * behind them) on a representative sample of requests, against what it answered before it was
 * tuned for speed (tests/fixtures/classifier-outputs/outputs.jsonl). A speed-up may not move one
 * decision; bench/classifier-outputs.ts compares all ~3,500 inputs the same way.
 */
const recorded = readFileSync(join(import.meta.dir, "..", "fixtures", "classifier-outputs", "outputs.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => JSON.parse(line) as { name: string; shape: string });

describe("the classifier's outputs on the recorded sample", () => {
  test("the same answer for every input, and again when its memos answer part of it", () => {
    for (const pass of [1, 2]) {
      const outputs = sampleOutputs();
      expect(outputs.length).toBe(recorded.length);
      for (let index = 0; index < outputs.length; index++) {
        const output = outputs[index]!;
        expect({ pass, ...output }).toEqual({ pass, ...(recorded[index] as typeof output) });
      }
    }
  });
});
