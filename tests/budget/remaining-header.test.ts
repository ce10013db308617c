import { expect, test } from "bun:test";
import { responseHeaders } from "../../src/pipeline/run-pipeline";

/**
 * `x-budget-remaining` writes amounts with the budget messages' digits (money-text.ts), without the
 * `$` so a script still reads a number, and cut rather than rounded: never more than is left.
 */
test("x-budget-remaining: cents from a dollar up, two significant digits below, cut down, nothing left is 0", () => {
  const remaining = [
    { scope: "global", period: "daily", usd: 4.21 },
    { scope: "openai", period: "monthly", usd: 80 },
    { scope: "anthropic", period: "daily", usd: 1.999_999_3 },
    { scope: "gemini", period: "monthly", usd: 0.004 },
    { scope: "deepseek", period: "daily", usd: 0.000_020_4 },
    { scope: "groq", period: "daily", usd: -0.000_3 },
  ] as const;
  const headers = responseHeaders({ taskId: "t", budget: { remaining: [...remaining] } });
  expect(headers.get("x-budget-remaining")).toBe("global:daily=4.21, openai:monthly=80.00, anthropic:daily=1.99, gemini:monthly=0.0040, deepseek:daily=0.000020, groq:daily=0");
});
