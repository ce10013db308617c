import { describe, expect, test } from "bun:test";
import { fitOrdinal } from "../../scripts/ordinal-fit";
import { FEATURE_NAMES, type FeatureVector } from "../../src/routing/classifier/features";
import { checkWeights, difficulty, scoreOf, shippedModel } from "../../src/routing/classifier/ordinal-model";
import { compilePhrases, tokenize } from "../../src/routing/classifier/phrase-matcher";
import { requiredLiterals } from "../../src/routing/classifier/required-literals";

describe("phrase matcher", () => {
  const matcher = compilePhrases({
    lock: [["lock free", "deadlock*"], ["memory order*"]],
    breadth: [["#5 files", "every call site*"]],
    race: [["the race !detector"]],
  });

  test("tokens: lower case, apostrophes dropped, punctuation separates, % is a word", () => {
    expect(tokenize("Can't  reproduce: lock-free SPSC, ~10% of runs")).toEqual(["cant", "reproduce", "lock", "free", "spsc", "10", "%", "of", "runs"]);
  });

  test("words, stems and spelling variants of one phrase", () => {
    expect(matcher.count("make it lock-free").get("lock")).toBe(1);
    expect(matcher.count("it Deadlocks under load").get("lock")).toBe(1);
    expect(matcher.count("lock free, but the memory ordering is wrong").get("lock")).toBe(2);
    expect(matcher.count("a lock that is free").has("lock")).toBe(false);
  });

  test("numbers with a minimum, k and m suffixes, and a word that must not follow", () => {
    expect(matcher.count("touches 12 files").get("breadth")).toBe(1);
    expect(matcher.count("touches 2 files").has("breadth")).toBe(false);
    expect(matcher.count("fix the race in the worker").get("race")).toBe(1);
    expect(matcher.count("run the race detector").has("race")).toBe(false);
  });

  test("refuses stems too short to index", () => {
    expect(() => compilePhrases({ bad: [["ab*"]] })).toThrow("shorter than three letters");
  });
});

describe("required literals", () => {
  test("a pattern runs only where one of its literals occurs", () => {
    expect(requiredLiterals(/\bdeadlock|\blivelock|\block (order|inversion)/i)).toEqual(["deadlock", "livelock", "lock "]);
    expect(requiredLiterals(/\bleaks?\b|heap (snapshot|dump)/i)).toEqual(["leak", "heap "]);
  });

  test("an alternative without a literal of three characters means the pattern always runs", () => {
    expect(requiredLiterals(/^(hi|hello)$/i)).toBeUndefined();
    expect(requiredLiterals(/\bdeadlock|\d+ ?ms/i)).toBeUndefined();
  });
});

describe("ordinal model", () => {
  test("the shipped weights match the features and order their cut points", () => {
    const model = shippedModel();
    expect(model.features).toEqual([...FEATURE_NAMES]);
    expect(model.cutpoints[0]).toBeLessThan(model.cutpoints[1]);
    expect(model.thresholds.standard).toBeLessThan(model.thresholds.premium);
  });

  test("weights trained on other features are refused", () => {
    const model = shippedModel();
    expect(() => checkWeights({ ...model, features: model.features.slice(1), weights: model.weights.slice(1) })).toThrow("trained on other features");
    expect(() => checkWeights({ ...model, cutpoints: [2, 1] })).toThrow("two increasing cut points");
  });

  test("the score rises with the difficulty and explains itself by the largest effects", () => {
    const model = shippedModel();
    const zero = Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as FeatureVector;
    const hard = { ...zero, "task:concurrency": 2, "tool-errors": 1 };
    const base = difficulty(zero, model);
    const harder = difficulty(hard, model);
    expect(harder.linear).toBeGreaterThan(base.linear);
    expect(scoreOf(harder.linear, model)).toBeGreaterThan(scoreOf(base.linear, model));
    expect(harder.contributions[0]!.feature).toBe("task:concurrency");
    expect(harder.contributions).toHaveLength(2);
  });

  test("fitting recovers an ordering the data follows", () => {
    const rows = Array.from({ length: 60 }, (_, index) => {
      const value = (index % 30) / 10;
      return { values: [value, 1 - value / 3], label: value < 1 ? 0 : value < 2 ? 1 : 2, weight: 1 };
    });
    const model = fitOrdinal(rows, 0.1);
    expect(model.weights[0]).toBeGreaterThan(0);
    const predicted = rows.map((row) => {
      const linear = model.linear(row.values);
      return linear < model.cutpoints[0] ? 0 : linear < model.cutpoints[1] ? 1 : 2;
    });
    const correct = predicted.filter((label, index) => label === rows[index]!.label).length;
    expect(correct / rows.length).toBeGreaterThan(0.9);
  });
});
