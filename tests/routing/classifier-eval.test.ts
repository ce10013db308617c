import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { CATEGORIES } from "../../src/routing/classifier/categories";
import { classifyRequest } from "../../src/routing/classifier/classify-request";
import { shippedModel } from "../../src/routing/classifier/ordinal-model";
import { fit, modelValues, rowsOf, scoreRow } from "../../scripts/classifier-training";
import { TIERS } from "../../src/catalog/catalog-entry";
import { EVAL_SET_PATH, buildEvalCases, serializeEvalCases } from "../fixtures/routing-eval/build-eval-set";
import type { EvalCase } from "../fixtures/routing-eval/builders/eval-case";
import { evaluate, fitLengthBaseline, lengthTier, promptCharacters } from "../fixtures/routing-eval/evaluate";
import { TRAINING_BATCHES, loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";

/**
 * The labelled routing sets as gates. The figures to report come from `bun run eval:routing` and
 * scripts/classifier-cross-validation.ts; these only stop a change that breaks the data or loses
 * the classifier's footing.
 */
const firstSet = loadEvalSet();
const blind = loadBlindSet(TRAINING_BATCHES);
const predict = (evalCase: EvalCase) => classifyRequest(evalCase.request as ChatRequest).tier;

describe("routing evaluation sets", () => {
  test("the committed first-set JSONL is what its case files build", () => {
    expect(readFileSync(EVAL_SET_PATH, "utf8")).toBe(serializeEvalCases(buildEvalCases()));
  });

  test("the blind batches are large, staged and made of valid requests from every client shape", () => {
    expect(blind.length).toBeGreaterThanOrEqual(700);
    expect(new Set(blind.map((evalCase) => evalCase.tool))).toEqual(new Set(["claude-code", "codex", "opencode", "api", "cline", "cline-xml", "aider", "continue", "cursor", "kilo", "qwen-code"]));
    expect(new Set(blind.map((evalCase) => evalCase.id)).size).toBe(blind.length);
    for (const evalCase of blind) {
      expect(evalCase.stage).toBeDefined();
      const parsed = chatRequestSchema.safeParse(evalCase.request);
      expect(parsed.success ? evalCase.id : `${evalCase.id}: ${parsed.error.message}`).toBe(evalCase.id);
    }
  });

  test("the shipped model fits the batches and the first set it was trained on", () => {
    const report = evaluate(blind, predict);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.88);
    expect(report.premiumToEconomy).toBeLessThanOrEqual(0.02);
    // The first set (the old rules' author, half weight) only guards against collapse: its labels
    // followed the old rules, and the blind batches outvote it where the two disagree.
    const first = evaluate(firstSet, predict);
    expect(first.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(first.premiumToEconomy).toBeLessThanOrEqual(0.03);
  });

  test("trained without a batch, the model still beats the best length-only router on it by a wide margin", () => {
    // One leave-one-batch-out fold with the shipped λ and thresholds (the full procedure, with λ
    // and thresholds chosen per fold, is scripts/classifier-cross-validation.ts).
    const heldOut = TRAINING_BATCHES.at(-1)!;
    const others = TRAINING_BATCHES.filter((batch) => batch !== heldOut);
    const shipped = shippedModel();
    const model = fit([...others.flatMap((batch) => rowsOf(loadBlindSet([batch]), batch)), ...rowsOf(firstSet, "first", 0.5)], Number(shipped.training.lambda));
    const cases = loadBlindSet([heldOut]);
    const foldTier = (evalCase: EvalCase) => {
      const values = modelValues(evalCase.request as ChatRequest);
      const score = values ? scoreRow(model, values) : 0;
      return TIERS[score >= shipped.thresholds.premium ? 2 : score >= shipped.thresholds.standard ? 1 : 0]!;
    };
    const baseline = fitLengthBaseline(loadBlindSet(others));
    const lengthReport = evaluate(cases, (evalCase) => lengthTier(promptCharacters(evalCase.request as ChatRequest), baseline));
    const report = evaluate(cases, foldTier);
    expect(report.accuracy - lengthReport.accuracy).toBeGreaterThanOrEqual(0.3);
    expect(report.premiumToEconomy).toBeLessThan(lengthReport.premiumToEconomy);
    expect(report.premiumToEconomy).toBeLessThanOrEqual(0.03);
    // Fitting the model is seconds of arithmetic; a slow or loaded machine needs more than the default 30 s.
  }, 180_000);

  // Success rates and feedback are kept per emitted category (tests/e2e/feedback.test.ts follows one
  // through the pipeline); the vocabulary must stay closed so their keys do not scatter.
  test("every category the classifier emits on the labelled sets is in the closed list", () => {
    for (const evalCase of [...blind, ...firstSet]) expect(CATEGORIES).toContain(classifyRequest(evalCase.request as ChatRequest).category);
  });
});
