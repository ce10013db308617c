import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { classifyRequest } from "../../src/routing/classifier/classify-request";
import { EVAL_SET_PATH, buildEvalCases, serializeEvalCases } from "../fixtures/routing-eval/build-eval-set";
import { evaluate, fitLengthBaseline, lengthTier, promptCharacters } from "../fixtures/routing-eval/evaluate";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";

/** The labelled routing set as a regression gate: a change that loses accuracy fails here. */
const cases = loadEvalSet();
const predict = (evalCase: (typeof cases)[number]) => classifyRequest(evalCase.request as ChatRequest).tier;

describe("routing evaluation set", () => {
  test("the committed JSONL is what the case files build", () => {
    expect(readFileSync(EVAL_SET_PATH, "utf8")).toBe(serializeEvalCases(buildEvalCases()));
  });

  test("is large, balanced enough, held out and made of valid requests from every tool", () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(cases.filter((evalCase) => evalCase.label === "premium").length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((evalCase) => evalCase.tool))).toEqual(new Set(["claude-code", "cline", "opencode", "cursor", "aider", "continue"]));
    const testShare = cases.filter((evalCase) => evalCase.split === "test").length / cases.length;
    expect(testShare).toBeGreaterThan(0.2);
    expect(testShare).toBeLessThan(0.4);
    for (const evalCase of cases) {
      const parsed = chatRequestSchema.safeParse(evalCase.request);
      expect(parsed.success ? evalCase.id : `${evalCase.id}: ${parsed.error.message}`).toBe(evalCase.id);
      expect(JSON.stringify(evalCase.request)).not.toMatch(/\{\{(template|sample|json):/);
    }
  });

  // A regression gate only: the classifier was tuned on this whole set (its "test" split leaked).
  test("the classifier keeps its accuracy on the first set", () => {
    const report = evaluate(cases, predict);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(report.premiumToEconomy).toBeLessThanOrEqual(0.03);
  });

  test("it beats the best length-only router by a wide margin", () => {
    const baseline = fitLengthBaseline(cases);
    const lengthReport = evaluate(cases, (evalCase) => lengthTier(promptCharacters(evalCase.request as ChatRequest), baseline));
    const classifierReport = evaluate(cases, predict);
    expect(classifierReport.accuracy - lengthReport.accuracy).toBeGreaterThanOrEqual(0.2);
    expect(classifierReport.premiumToEconomy).toBeLessThan(lengthReport.premiumToEconomy);
  });
});
