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

function refusal(spentUsd: number, reservedUsd: number): Promise<ProxyError> {
  const usage: BudgetUsage = { scope: "global", period: "daily", limitUsd: 1, spentUsd, reservedUsd, periodStart: new Date(0), resetsAt: new Date(86_400_000) };
  return reserveRoute({
    candidates: [candidate],
    tier: "standard",
    charge: () => 0.5,
    limitedScopes: new Set(["global"]),
    reserve: async () => ({ granted: false, usage: [usage] }),
    alternatives: () => [],
    action: "block",
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
