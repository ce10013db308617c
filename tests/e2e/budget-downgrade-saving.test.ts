import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A request naming a model that the budget sends to a cheaper one (BUDGET_ACTION=downgrade): the
 * model was chosen by the proxy, not by the client, so the request is routed, and its saving
 * against the baseline counts in the log, the request list and the request's page like any
 * routed request's.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
// A provider of its own, so its budget is this test's alone in the shared database.
const provider = `ds${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    CUSTOM_PROVIDERS: JSON.stringify([
      {
        id: provider,
        baseUrl: upstream.url,
        models: [
          { id: "big", inputPricePerMillion: 100, outputPricePerMillion: 100, tier: "premium" },
          { id: "small", inputPricePerMillion: 0.1, outputPricePerMillion: 0.1, tier: "economy" },
        ],
      },
    ]),
    BASELINE_MODEL: `${provider}:big`,
    BUDGET_PROVIDERS: JSON.stringify({ [provider]: { daily: 0.01 } }),
    BUDGET_ACTION: "downgrade",
  });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await fetch(`${proxy.origin}/api/budgets`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ budgets: [{ scope: provider, period: "daily", limit_usd: null }] }),
  });
  await proxy.close();
  await upstream.close();
});

test("a named model downgraded by the budget saves against the baseline, as a routed request does", async () => {
  const { response } = await client.chat.completions.create({ model: `${provider}:big`, max_tokens: 1000, messages: [{ role: "user", content: `Prove it (${crypto.randomUUID()})` }] }).withResponse();
  expect(response.headers.get("x-model")).toBe("small");
  expect(response.headers.get("x-route-reason")).toContain("downgraded");
  const taskId = response.headers.get("x-task-id")!;
  const row = (await proxy.logRow(taskId))!;
  expect(row.baselineModel).toBe(`${provider}:big`);
  expect(row.baselineCostUsd).toBeGreaterThan(row.costUsd);

  const list = (await (await fetch(`${proxy.origin}/api/requests?provider=${provider}`)).json()) as { data: Array<{ taskId: string; savedUsd: number | null }> };
  expect(list.data.find((request) => request.taskId === taskId)?.savedUsd).toBeCloseTo(row.baselineCostUsd! - row.costUsd, 12);
  const page = await (await fetch(`${proxy.origin}/dashboard/requests/${taskId}`)).text();
  expect(page).not.toContain("no routing decision");
});
