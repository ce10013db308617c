import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { clearBudgets } from "../helpers/clear-budgets";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A request's worst-case hold is released when it ends, not when its spend batch reaches the
 * database: the next request, sent straight after, sees only what the first one really cost.
 * Near the limit every request is reserved exactly in the database (no lease), so the hold of a
 * finished request that is still waiting in the spend batch would otherwise refuse the next one
 * (here: downgrade it to gpt-4o-mini) for no reason. gpt-4o at max_tokens 1000 may cost about
 * $0.0100 and really costs about $0.0001 (the mock's usage); the daily limit, $0.016, holds one
 * worst case but not two.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  await clearBudgets();
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-budget-back-to-back-0000", OPENAI_BASE_URL: upstream.url, BUDGET_DAILY_USD: "0.016", BUDGET_ACTION: "downgrade" });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await clearBudgets();
});

const client = () => new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
const ask = { model: "gpt-4o", max_tokens: 1_000, messages: [{ role: "user" as const, content: "Hello" }] };

test("back-to-back completions near the limit are not downgraded by the previous one's released hold", async () => {
  const openai = client();
  for (let round = 0; round < 4; round++) {
    const { response } = await openai.chat.completions.create(ask).withResponse();
    expect({ round, model: response.headers.get("x-model"), reason: response.headers.get("x-route-reason") }).toEqual({
      round,
      model: "gpt-4o",
      reason: expect.not.stringContaining("budget") as unknown as string,
    });
  }
});

test("back-to-back streams near the limit are not downgraded either", async () => {
  const openai = client();
  for (let round = 0; round < 4; round++) {
    upstream.enqueue({ kind: "chunks", count: 3, intervalMs: 0 });
    const { data: stream, response } = await openai.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } }).withResponse();
    for await (const _chunk of stream) {
      // read to the end, as a client does before its next request
    }
    expect({ round, model: response.headers.get("x-model"), reason: response.headers.get("x-route-reason") }).toEqual({
      round,
      model: "gpt-4o",
      reason: expect.not.stringContaining("budget") as unknown as string,
    });
  }
});
