import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { sql } from "drizzle-orm";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A dated snapshot of a listed model (`claude-haiku-4-5-20251001`, as Claude Code names its small
 * fast model; OpenAI's `gpt-4o-mini-2024-07-18`) is that model: it goes to the provider under the
 * name sent, and is priced, tiered and held to the budgets as the listed model. Priced at $0 it
 * would be spent past every budget.
 */
const KEY = "sk-ant-test-dated-snapshot-000000";
let upstream: MockAnthropicUpstream;

async function clearBudgets() {
  const { db } = await sharedTestDatabase();
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await db.execute(sql.raw(`delete from ${table}`));
}

async function withProxy(env: Record<string, string>, run: (proxy: TestProxy, client: Anthropic) => Promise<void>) {
  const proxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url, ...env });
  try {
    await run(proxy, new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 }));
  } finally {
    await proxy.close();
    await clearBudgets();
  }
}

beforeAll(async () => {
  await clearBudgets();
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
});

afterAll(() => upstream.close());

const ask = (client: Anthropic, model: string) => client.messages.create({ model, max_tokens: 4_000, messages: [{ role: "user", content: "Hello" }] }).withResponse();

test("a dated snapshot is priced and tiered as the listed model, and reaches the provider under its own name", async () => {
  await withProxy({}, async (proxy) => {
    const client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    const { response } = await ask(client, "claude-haiku-4-5-20251001");
    expect(upstream.requests.at(-1)!.body.model).toBe("claude-haiku-4-5-20251001");
    expect(response.headers.get("x-model")).toBe("claude-haiku-4-5-20251001");
    expect(response.headers.get("x-tier")).toBe("economy");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row!.costUsd).toBeGreaterThan(0);
  });
});

test("a spent budget holds for a dated snapshot too", async () => {
  await withProxy({ BUDGET_DAILY_USD: "0", BUDGET_ACTION: "block" }, async (_proxy, client) => {
    const before = upstream.requests.length;
    const error = await ask(client, "claude-haiku-4-5-20251001").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(upstream.requests.length).toBe(before);
  });
});

test("a name that is no listed model's snapshot is still passed through unpriced", async () => {
  await withProxy({}, async (proxy, client) => {
    const { response } = await ask(client, "claude-sonnet-9-9");
    expect(response.headers.get("x-tier")).toBeNull();
    expect(response.headers.get("x-route-reason")).toContain("not in the catalog");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row!.costUsd).toBe(0);
  });
});
