import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import OpenAI from "openai";
import { defaultStages } from "../../src/pipeline/run-pipeline";
import { budget } from "../../src/pipeline/stages/budget";
import { cache } from "../../src/pipeline/stages/cache";
import { classify } from "../../src/pipeline/stages/classify";
import { compress } from "../../src/pipeline/stages/compress";
import { dispatch } from "../../src/pipeline/stages/dispatch";
import { feedbackIntercept } from "../../src/pipeline/stages/feedback-intercept";
import { route } from "../../src/pipeline/stages/route";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * The fixed order parse → /feedback → cache → compress → classify → route → budget → dispatch,
 * proven by what each stage can and cannot see: a /feedback message never reaches the cache, a
 * cache hit spends no budget and calls no provider, and the compressed request is what is sent
 * while the cache keys on the request as received.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-stage-order-00000000", OPENAI_BASE_URL: upstream.url, CACHE_ENABLED: "true", COMPRESSION: "safe" });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await clearBudgets();
  await proxy.close();
  await upstream.close();
});

async function clearBudgets() {
  const { db } = await sharedTestDatabase();
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await db.execute(sql.raw(`delete from ${table}`));
}

const cacheStats = async () => (await (await fetch(`${proxy.origin}/api/cache`)).json()) as { hits: number; misses: number; bypasses: number; stores: number };
const unique = (text: string) => `${text} (${crypto.randomUUID()})`;

test("the stages run in the architecture's order", () => {
  expect(defaultStages).toEqual([feedbackIntercept, cache, compress, classify, route, budget, dispatch]);
});

test("a /feedback message never touches the cache", async () => {
  const before = await cacheStats();
  const messages = [{ role: "user" as const, content: "/feedback good" }];
  for (let round = 0; round < 2; round++) {
    const { data, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages, temperature: 0 }).withResponse();
    expect(response.headers.get("x-provider")).toBe("proxy");
    expect(response.headers.get("x-cache")).toBeNull();
    expect(data.choices[0]!.message.content).toContain("Nothing was recorded");
  }
  await Bun.sleep(20);
  expect(await cacheStats()).toEqual(before);
});

test("a cache hit spends no budget and calls no provider", async () => {
  await clearBudgets();
  await fetch(`${proxy.origin}/api/budgets`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ budgets: [{ scope: "global", period: "daily", limit_usd: 1 }] }) });
  const spent = async () => {
    const report = (await (await fetch(`${proxy.origin}/api/budgets`)).json()) as { budgets: Array<{ spent_usd: number; reserved_usd: number }> };
    return report.budgets[0]!;
  };
  const request = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: unique("What is 2 + 2?") }], temperature: 0 };
  const first = await client.chat.completions.create(request).withResponse();
  expect(first.response.headers.get("x-budget-remaining")).toMatch(/^global:daily=/);
  await waitFor(async () => (await spent()).spent_usd > 0 && (await spent()).reserved_usd === 0, { what: "the first answer's spend" });
  await waitFor(async () => (await cacheStats()).stores > 0, { what: "the first answer to be stored" });
  const afterFirst = await spent();
  const calls = upstream.requests.length;

  const hit = await client.chat.completions.create(request).withResponse();
  expect(hit.response.headers.get("x-cache")).toBe("HIT");
  expect(hit.response.headers.get("x-budget-remaining")).toBeNull();
  expect(upstream.requests.length).toBe(calls);
  await Bun.sleep(100);
  expect(await spent()).toEqual(afterFirst);
  const row = await proxy.logRow(hit.response.headers.get("x-task-id")!);
  // Nothing after the cache stage ran: not compressed, classified or routed.
  expect(row).toMatchObject({ cacheStatus: "hit", costUsd: 0, compressionTokensBefore: null, category: null, tier: null, routeReason: null, candidates: null });
  await clearBudgets();
});

describe("compression", () => {
  const raw = () => unique("Why does the build fail?\r\n\u001b[31merror\u001b[0m: missing semicolon   \r\n\r\n\r\n\r\n\r\nat src/a.ts:3");
  const sent = () => (upstream.requests.at(-1)!.body.messages as Array<{ content: string }>)[0]!.content;

  test("the compressed request is what is sent; the cache keeps the answer under the request as received", async () => {
    const content = raw();
    const request = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content }], temperature: 0 };
    const first = await client.chat.completions.create(request).withResponse();
    const compressed = sent();
    expect(compressed).toBe(content.replace(/\r\n/g, "\n").replace(/\u001b\[\d+m/g, "").replace(" semicolon   \n", " semicolon\n").replace(/\n{4,}/, "\n\n\n"));
    const row = await proxy.logRow(first.response.headers.get("x-task-id")!);
    expect(row!.compressionTokensBefore!).toBeGreaterThan(row!.compressionTokensAfter!);
    await waitFor(async () => (await client.chat.completions.create(request).withResponse()).response.headers.get("x-cache") === "HIT", { what: "a hit for the request as received" });

    // The compressed text is another request: it was never asked as such.
    const calls = upstream.requests.length;
    const other = await client.chat.completions.create({ ...request, messages: [{ role: "user", content: compressed }] }).withResponse();
    expect(other.response.headers.get("x-cache")).toBe("MISS");
    expect(upstream.requests.length).toBe(calls + 1);
  });

  test("x-compression: off sends the request as received and logs no compression", async () => {
    const content = raw();
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content }], temperature: 0 }, { headers: { "x-compression": "off" } })
      .withResponse();
    expect(sent()).toBe(content);
    expect(await proxy.logRow(response.headers.get("x-task-id")!)).toMatchObject({ compressionTokensBefore: null, compressionTokensAfter: null });
  });
});
