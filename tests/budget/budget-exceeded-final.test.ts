import { expect, test } from "bun:test";
import type { CatalogEntry } from "../../src/catalog/catalog-entry";
import { reserveRoute } from "../../src/budget/reserve-route";
import type { BudgetUsage } from "../../src/budget/budget-types";
import { ProxyError } from "../../src/errors";
import type { Candidate } from "../../src/routing/candidate";

/**
 * A budget refusal says whether a retry can help: not when what is spent already leaves no room
 * for the request (only the reset brings it back), but yes when requests in flight hold the room
 * (it comes back when they end). The pipeline turns `final` into `x-should-retry: false`.
 */
const candidate = { provider: { id: "openai" }, model: "gpt-4o", entry: { tier: "standard" } as CatalogEntry } as unknown as Candidate;
const cheaper = { provider: { id: "openai" }, model: "gpt-4o-mini", entry: { tier: "economy" } as CatalogEntry } as unknown as Candidate;

function refusal(spentUsd: number, reservedUsd: number, action: "block" | "downgrade" = "block"): Promise<ProxyError> {
  const usage: BudgetUsage = { scope: "global", period: "daily", limitUsd: 1, spentUsd, reservedUsd, periodStart: new Date(0), resetsAt: new Date(86_400_000) };
  return reserveRoute({
    candidates: [candidate],
    tier: "standard",
    // The routed model may cost up to $0.50, the cheaper one $0.15.
    charge: (which) => (which === cheaper ? 0.15 : 0.5),
    limitedScopes: new Set(["global"]),
    reserve: async () => ({ granted: false, usage: [usage] }),
    alternatives: () => [candidate, cheaper],
    action,
    timeZone: "UTC",
  }).then(
    () => {
      throw new Error("the request was admitted");
    },
    (error: ProxyError) => error,
  );
}

test("spent money leaves no room: final", async () => {
  const error = await refusal(0.8, 0);
  expect(error.code).toBe("budget_exceeded");
  expect(error.final).toBe(true);
});

test("requests in flight hold the room: a retry may succeed", async () => {
  const error = await refusal(0.1, 0.8);
  expect(error.code).toBe("budget_exceeded");
  expect(error.final).toBe(false);
});

test("a downgrade that only requests in flight keep out: a retry may succeed", async () => {
  // $0.20 left after spend fits the cheaper model, but holds take it.
  const error = await refusal(0.8, 0.15, "downgrade");
  expect(error.code).toBe("budget_exceeded");
  expect(error.message).toContain("No cheaper model");
  expect(error.final).toBe(false);
});

test("a downgrade that spend alone keeps out: final", async () => {
  const error = await refusal(0.9, 0, "downgrade");
  expect(error.code).toBe("budget_exceeded");
  expect(error.final).toBe(true);
});
