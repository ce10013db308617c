import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, type RecordedRequest, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * A budget reserves each request's worst case before it is sent, so concurrent requests cannot
 * overrun it. The prompt's share of the worst case is an estimate from its length (3.5 characters
 * a token), which holds for English and code but not for Chinese, Japanese or Korean, where a
 * character is a token or more: the reservation must still cover what the provider bills.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
// A provider of its own (so its budget is this test's alone, in the shared database), priced $10 a million tokens.
const provider = `cjk${crypto.randomUUID().slice(0, 8)}`;
const LIMIT = 0.05;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    CUSTOM_PROVIDERS: JSON.stringify([
      { id: provider, baseUrl: upstream.url, models: [{ id: "polyglot", inputPricePerMillion: 10, outputPricePerMillion: 10, tier: "standard", contextWindow: 128000 }] },
    ]),
    BUDGET_PROVIDERS: JSON.stringify({ [provider]: { daily: LIMIT } }),
    BUDGET_ACTION: "block",
  });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** Bills one prompt token per character of the user's text (about what CJK costs), after a pause so the requests overlap. */
function billPerCharacter(request: RecordedRequest): Response {
  const messages = request.body.messages as Array<{ content: string }>;
  const characters = messages.reduce((sum, message) => sum + String(message.content).length, 0);
  const completion = {
    id: "chatcmpl-cjk",
    object: "chat.completion",
    created: 1762000000,
    model: String(request.body.model),
    choices: [{ index: 0, message: { role: "assistant", content: "好的" }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: characters, completion_tokens: 2, total_tokens: characters + 2 },
  };
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      await Bun.sleep(300);
      controller.enqueue(new TextEncoder().encode(JSON.stringify(completion)));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}

test("ten Chinese prompts at once never spend more than the budget", async () => {
  const text = "请把这个函数重构成异步版本并保留所有注释。".repeat(100); // 2,000 characters: ~2,000 tokens billed
  for (let index = 0; index < 10; index++) upstream.enqueue({ kind: "respond", respond: billPerCharacter });
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, index) =>
      client.chat.completions.create({ model: `${provider}:polyglot`, max_tokens: 10, messages: [{ role: "user", content: `${index} ${text}` }] }),
    ),
  );
  const served = results.filter((result) => result.status === "fulfilled").length;
  expect(served).toBeGreaterThan(0);
  for (const result of results) if (result.status === "rejected") expect((result.reason as { status?: number }).status).toBe(429);

  const mine = async () => {
    const budgets = (await (await fetch(`${proxy.origin}/api/budgets`)).json()) as { budgets: Array<{ scope: string; spent_usd: number; reserved_usd: number }> };
    return budgets.budgets.find((budget) => budget.scope === provider)!;
  };
  // Every request's reservation is released and its real cost recorded.
  await waitFor(async () => (await mine()).reserved_usd === 0, { what: "no reservation left" });
  const { spent_usd } = await mine();
  expect(spent_usd).toBeGreaterThan(0);
  expect(spent_usd).toBeLessThanOrEqual(LIMIT);
});
