import { describe, expect, test } from "bun:test";
import { SuccessRates } from "../../src/routing/success-rates";

const logged = { category: "code", modelKey: "openai:gpt-4o-mini", success: true };

describe("SuccessRates' remembered ratings", () => {
  test("a task rated again counts from its last rating while remembered, from its log row once forgotten", () => {
    const rates = new SuccessRates();
    const tasks = 20_001;
    for (let index = 0; index < tasks; index++) rates.recordOutcome("code", logged.modelKey, true);
    // Task 0 rated bad: one success fewer. Then 20,000 more tasks rated bad push it out.
    for (let index = 0; index < tasks; index++) rates.applyFeedback(`task-${index}`, -1, logged);
    expect(rates.rate("code", logged.modelKey).rate).toBe(0);
    // task-0 was forgotten: its log row says success, so "bad" again counts nothing.
    rates.applyFeedback("task-0", -1, logged);
    expect(rates.rate("code", logged.modelKey)).toEqual({ rate: 0, samples: tasks });
    // Remembering task-0 again pushed out task-1, the oldest; task-2 is remembered as bad, so "good" flips it.
    rates.applyFeedback("task-2", 1, logged);
    expect(rates.rate("code", logged.modelKey)).toEqual({ rate: 1 / tasks, samples: tasks });
  });
});
