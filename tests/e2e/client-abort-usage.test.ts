import { afterAll, beforeAll, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";
import { abortedUsage } from "../../src/pipeline/aborted-usage";

/**
 * A client that leaves mid-stream still cost something: the prompt went upstream and output was
 * generated. Its row records the prompt's estimate and the streamed output's, priced, flagged as
 * estimated; the budget charges the same amount, so the dashboard's spend and the budget's agree.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startOpenAIDoorProxy({ BUDGET_DAILY_USD: "1000" }));
});
afterAll(async () => {
  await close?.();
});

type Stats = { totals: { costUsd: number }; budgets: { daily: { spentUsd: number } | null } };
const stats = async () => (await (await fetch(`${proxy.origin}/api/stats?range=24h`)).json()) as Stats;

/** Waits for the budget's daily spend to have grown by `costUsd` since `before`, then says both spends grew by exactly that. */
async function expectSpendGrewBy(before: Stats, costUsd: number): Promise<void> {
  const spentSince = (after: Stats) => after.budgets.daily!.spentUsd - (before.budgets.daily?.spentUsd ?? 0);
  await waitFor(async () => spentSince(await stats()) >= costUsd * 0.999, { what: "the budget recorded the spend", intervalMs: 50, timeoutMs: 5000 });
  const after = await stats();
  expect(after.totals.costUsd - before.totals.costUsd).toBeCloseTo(costUsd, 12);
  expect(spentSince(after)).toBeCloseTo(costUsd, 12);
}

test("a stream the client left: tokens and cost estimated from the prompt and what was streamed, same spend in the budget", async () => {
  const before = await stats();
  const abortedBefore = upstream.aborted;
  upstream.enqueue({ kind: "chunks", count: 200, intervalMs: 20 });
  const prompt = "Explain the borrow checker in detail. ".repeat(40);
  const { data: stream, response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }], stream: true })
    .withResponse();
  let text = "";
  let seen = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    if (++seen === 6) break;
  }
  await waitFor(() => upstream.aborted > abortedBefore, { what: "the upstream request was aborted" });

  const row = (await proxy.logRow(response.headers.get("x-task-id")!))!;
  expect(row).toMatchObject({ status: 499, errorType: "client_closed", usageEstimated: true });
  // ~1,500 characters of prompt at 3.5 a token, plus a few per message.
  expect(row.tokensIn).toBeGreaterThan(400);
  expect(row.tokensIn).toBeLessThan(500);
  // At least what the client saw (the proxy may have read a chunk or two more before it noticed).
  expect(row.tokensOut).toBeGreaterThanOrEqual(Math.ceil(text.length / 3.5));
  expect(row.tokensOut).toBeLessThan(Math.ceil(text.length / 3.5) + 10);
  // gpt-4o-mini: $0.15 in, $0.60 out per million.
  expect(row.costUsd).toBeCloseTo((row.tokensIn * 0.15 + row.tokensOut * 0.6) / 1_000_000, 12);

  // The dashboard's spend and the budget's grew by the same amount: this row's cost.
  await expectSpendGrewBy(before, row.costUsd);
});

test("a stream the upstream cut after some output: counted like a client that left, in the row and the budget", async () => {
  const before = await stats();
  upstream.enqueue({ kind: "cut", name: "text-with-usage", lines: 3 });
  const prompt = "Explain the borrow checker in detail. ".repeat(40);
  const { data: stream, response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }], stream: true })
    .withResponse();
  let text = "";
  await expect(
    (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })(),
  ).rejects.toThrow();
  expect(text).toBe("Hello!");

  const row = (await proxy.logRow(response.headers.get("x-task-id")!))!;
  expect(row).toMatchObject({ status: 502, errorType: "upstream_error", usageEstimated: true, tokensOut: Math.ceil(text.length / 3.5) });
  expect(row.tokensIn).toBeGreaterThan(400);
  expect(row.costUsd).toBeCloseTo((row.tokensIn * 0.15 + row.tokensOut * 0.6) / 1_000_000, 12);
  expect(row.costUsd).toBeGreaterThan(0);
  await expectSpendGrewBy(before, row.costUsd);
});

test("a stream that completed is not estimated: the upstream's usage stands", async () => {
  upstream.enqueue({ kind: "chunks", count: 3, intervalMs: 0 });
  const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], stream: true }).withResponse();
  for await (const _chunk of stream) void _chunk;
  expect(await proxy.logRow(response.headers.get("x-task-id")!)).toMatchObject({ status: 200, tokensIn: 50, tokensOut: 3, usageEstimated: false });
});

test("usage that arrived before the client left is kept; a zero output count beside streamed text is filled in", () => {
  const real = { tokensIn: 50, tokensOut: 7, cachedTokens: 10, cacheWriteTokens: 0 };
  expect(abortedUsage(real, () => 999, 70)).toEqual({ usage: real, estimated: false });
  expect(abortedUsage({ ...real, tokensOut: 0 }, () => 999, 70)).toEqual({ usage: { ...real, tokensOut: 20 }, estimated: true });
  expect(abortedUsage(undefined, () => 999, 0)).toEqual({ usage: { tokensIn: 999, tokensOut: 0, cachedTokens: 0, cacheWriteTokens: 0 }, estimated: true });
});
