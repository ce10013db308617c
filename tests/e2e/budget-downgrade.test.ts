import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * BUDGET_ACTION=downgrade answers a request the budget cannot cover with a cheaper model. The model
 * was chosen by the proxy, not by the client, so the request is routed: its saving against the
 * baseline counts in the log, the request list and the request's page like any routed request's.
 * And that answer is not the answer to the request as asked: once the budget has room again, the
 * same request must reach the model it names, not be served the cheaper model's answer from the cache.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
// A provider of its own, so its budget is this test's alone in the shared database.
const provider = `dg${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    CACHE_ENABLED: "true",
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

test("an answer downgraded by the budget is not served later to the request for the model it names", async () => {
  const request = { model: `${provider}:big`, max_tokens: 1000, temperature: 0, messages: [{ role: "user" as const, content: `Prove it (${crypto.randomUUID()})` }] };
  const downgraded = await client.chat.completions.create(request).withResponse();
  expect(downgraded.response.headers.get("x-model")).toBe("small");
  expect(downgraded.response.headers.get("x-route-reason")).toContain("downgraded");
  // Give the cache stage the time it takes to store an answer, if it were to.
  await Bun.sleep(300);

  const raised = await fetch(`${proxy.origin}/api/budgets`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ budgets: [{ scope: provider, period: "daily", limit_usd: 100 }] }),
  });
  expect(raised.status).toBe(200);

  const asked = await client.chat.completions.create(request).withResponse();
  expect(asked.response.headers.get("x-cache")).toBe("MISS");
  expect(asked.response.headers.get("x-model")).toBe("big");
  expect(upstream.requests.at(-1)!.body.model).toBe("big");

  // The answer of the model asked for is stored as usual.
  await waitFor(async () => (await client.chat.completions.create(request).withResponse()).response.headers.get("x-cache") === "HIT", { what: "the big answer stored" });
});
