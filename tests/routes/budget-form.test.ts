import { describe, expect, test } from "bun:test";
import { readBudgetForm } from "../../src/routes/dashboard/budget-form";

/** The budget form's reading: what becomes an edit, and where the schema's refusals land. */
const scopes = new Set(["global", "openai", "anthropic"]);
const current = [
  { scope: "global", period: "daily" as const, limitUsd: 5 },
  { scope: "openai", period: "monthly" as const, limitUsd: null },
];

describe("readBudgetForm", () => {
  test("only fields that differ from the stored limits become edits; $, spaces and exponents are read", () => {
    const result = readBudgetForm({ "daily:global": "5", "monthly:global": " $ 40 ", "daily:openai": "1e1", "monthly:openai": "", "daily:anthropic": "" }, current, scopes);
    expect(result).toEqual({
      ok: true,
      edits: [
        { scope: "global", period: "monthly", limitUsd: 40 },
        { scope: "openai", period: "daily", limitUsd: 10 },
      ],
    });
  });

  test("an emptied field removes its limit", () => {
    expect(readBudgetForm({ "daily:global": "" }, current, scopes)).toEqual({ ok: true, edits: [{ scope: "global", period: "daily", limitUsd: null }] });
  });

  test("fields that are not budgets are ignored", () => {
    expect(readBudgetForm({ "weekly:global": "3", note: "x", "daily:global": "5" }, current, scopes)).toEqual({ ok: true, edits: [] });
  });

  test("each refusal is keyed by its field, with the API schema's message; nothing is edited", () => {
    const result = readBudgetForm({ "daily:global": "-1", "monthly:global": "ten", "daily:openai": "7", "monthly:openai": "Infinity" }, current, scopes);
    expect(result).toEqual({
      ok: false,
      errors: {
        "daily:global": "must not be negative",
        "monthly:global": "must be a number of US dollars",
        "monthly:openai": "must be a number of US dollars",
      },
    });
  });

  test("a scope the proxy does not know is refused beside its field", () => {
    expect(readBudgetForm({ "daily:nosuch": "3", "daily:openai": "2" }, current, scopes)).toEqual({
      ok: false,
      errors: { "daily:nosuch": "unknown scope 'nosuch'; use \"global\" or one of: openai, anthropic" },
    });
  });
});
