import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { classifyRequest } from "../../src/routing/classifier/classify-request";
import { BLIND_TEST_PERCENT, blindSplitFor } from "../fixtures/routing-eval/blind-split";
import { EVAL_SET_PATH, buildEvalCases, serializeEvalCases } from "../fixtures/routing-eval/build-eval-set";
import type { EvalCase } from "../fixtures/routing-eval/builders/eval-case";
import { evaluate, fitLengthBaseline, lengthTier, promptCharacters } from "../fixtures/routing-eval/evaluate";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";

/**
 * The labelled routing sets as gates. The figures to report come from `bun run eval:routing`; these
 * only stop a change that breaks the data or loses the classifier's footing.
 */
const firstSet = loadEvalSet();
const blind = loadBlindSet();
const blindDev = blind.filter((evalCase) => evalCase.split === "dev");
const blindTest = blind.filter((evalCase) => evalCase.split === "test");
const predict = (evalCase: EvalCase) => classifyRequest(evalCase.request as ChatRequest).tier;

describe("routing evaluation sets", () => {
  test("the committed first-set JSONL is what its case files build", () => {
    expect(readFileSync(EVAL_SET_PATH, "utf8")).toBe(serializeEvalCases(buildEvalCases()));
  });

  test("the blind batches are large, staged, made of valid requests, and split by the frozen rule", () => {
    expect(blind.length).toBeGreaterThanOrEqual(400);
    expect(new Set(blind.map((evalCase) => evalCase.tool))).toEqual(new Set(["claude-code", "codex", "opencode", "api", "cline", "cline-xml", "aider", "continue", "cursor", "kilo", "qwen-code"]));
    for (const evalCase of blind) {
      expect(evalCase.split).toBe(blindSplitFor(evalCase.id));
      expect(evalCase.stage).toBeDefined();
      const parsed = chatRequestSchema.safeParse(evalCase.request);
      expect(parsed.success ? evalCase.id : `${evalCase.id}: ${parsed.error.message}`).toBe(evalCase.id);
    }
    // The split as frozen before tuning: a change of rule or data shows here.
    expect(BLIND_TEST_PERCENT).toBe(35);
    expect(blindTest.length).toBe(194);
  });

  test("the first set is valid and keeps its accuracy (a regression gate: it was tuned on, not held out)", () => {
    expect(firstSet.length).toBeGreaterThanOrEqual(150);
    for (const evalCase of firstSet) expect(chatRequestSchema.safeParse(evalCase.request).success).toBe(true);
    const report = evaluate(firstSet, predict);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(report.premiumToEconomy).toBeLessThanOrEqual(0.03);
  });

  test("the model fits the blind dev split it was trained on", () => {
    const report = evaluate(blindDev, predict);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.premiumToEconomy).toBeLessThanOrEqual(0.02);
  });

  test("on the held-out split it beats the best length-only router (thresholds fitted on dev) by a wide margin", () => {
    const baseline = fitLengthBaseline(blindDev);
    const lengthReport = evaluate(blindTest, (evalCase) => lengthTier(promptCharacters(evalCase.request as ChatRequest), baseline));
    const classifierReport = evaluate(blindTest, predict);
    expect(classifierReport.accuracy - lengthReport.accuracy).toBeGreaterThanOrEqual(0.25);
    expect(classifierReport.premiumToEconomy).toBeLessThan(lengthReport.premiumToEconomy);
    expect(classifierReport.premiumToEconomy).toBeLessThanOrEqual(0.03);
  });
});
