/** @jsxImportSource hono/jsx */
import { expect, test } from "bun:test";
import type { RequestWithSaving } from "../../src/routes/dashboard/request-saving";
import { RequestRows } from "../../views/partials/request-rows";

const row = (cacheStatus: string | null) =>
  ({
    taskId: "task-1",
    createdAt: new Date("2026-12-01T10:00:00Z"),
    userAgent: "OpenAI/JS 6.0",
    door: "openai",
    requestedModel: "auto",
    provider: "openai",
    model: "gpt-4o-mini",
    tier: cacheStatus === "hit" ? null : "economy",
    status: 200,
    tokensIn: 20,
    tokensOut: 7,
    costUsd: 0,
    savedUsd: 0.0001,
    latencyMs: 1,
    cacheStatus,
  }) as unknown as RequestWithSaving;

test("a row answered from the response cache says so beside its status; a miss does not", () => {
  const now = new Date("2026-12-01T10:00:05Z");
  expect(String(<RequestRows rows={[row("hit")]} now={now} />)).toContain("cached");
  expect(String(<RequestRows rows={[row("miss")]} now={now} />)).not.toContain("cached");
});
