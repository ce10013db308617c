import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * "Saved by routing" is what the router's choice saved against the baseline model. A client that
 * names a model made that choice itself: its request has no routing saving (none on its detail
 * page, none in the overview's or /api/stats' routing total), while `auto` and a tier do.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let openai: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [
    {
      id: "local",
      baseUrl: upstream.url,
      apiKey: "routing-savings-key",
      models: [
        { id: "fast-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" },
        { id: "big-model", inputPricePerMillion: 3, outputPricePerMillion: 15, tier: "premium" },
      ],
    },
  ];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), BASELINE_MODEL: "local:big-model" });
  openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

// The mock's usage (20 in, 7 out) on big-model and on fast-mini.
const BASELINE_USD = (20 * 3 + 7 * 15) / 1e6;
const CHEAP_USD = (20 * 0.1 + 7 * 0.4) / 1e6;

async function send(model: string): Promise<string> {
  const { response } = await openai.chat.completions.create({ model, messages: [{ role: "user", content: `hello ${crypto.randomUUID()}` }] }).withResponse();
  expect(response.headers.get("x-model")).toBe("fast-mini");
  return response.headers.get("x-task-id")!;
}

const routingTotal = async () => {
  await proxy.proxy.logWriter.flush();
  const stats = (await (await fetch(`${proxy.origin}/api/stats?range=24h`)).json()) as { savings: { routingUsd: number } };
  return stats.savings.routingUsd;
};
/** The detail page's "Baseline" and "Saved by routing" values, tags removed. */
const detailSaving = async (taskId: string) => {
  const html = await (await fetch(`${proxy.origin}/dashboard/requests/${taskId}`)).text();
  const value = (pattern: RegExp) => pattern.exec(html)![1]!.replace(/<[^>]+>/g, "");
  return { baseline: value(/<dt>Baseline<\/dt><dd>(.*?)<\/dd>/), saved: value(/id="detail-routing-saved">(.*?)<\/dd>/) };
};

describe("savings by routing", () => {
  test("a named model: no routing saving on the row, its detail page or the totals", async () => {
    const before = await routingTotal();
    const taskId = await send("local:fast-mini");
    const row = await proxy.logRow(taskId);
    expect(row).toMatchObject({ model: "fast-mini", routeReason: "requested local:fast-mini", baselineCostUsd: null });
    expect(await routingTotal()).toBeCloseTo(before, 12);
    expect(await detailSaving(taskId)).toEqual({ baseline: "not compared with local:big-model", saved: "— (the client named the model: no routing decision)" });
  });

  for (const model of ["economy", "auto"]) {
    test(`${model}: the router chose, and the saving against the baseline is counted`, async () => {
      const before = await routingTotal();
      const taskId = await send(model);
      const row = await proxy.logRow(taskId);
      expect(row!.baselineCostUsd).toBeCloseTo(BASELINE_USD, 12);
      expect(row!.costUsd).toBeCloseTo(CHEAP_USD, 12);
      expect(await routingTotal()).toBeCloseTo(before + BASELINE_USD - CHEAP_USD, 12);
      const detail = await detailSaving(taskId);
      expect(detail.baseline).toBe("$0.00016 on local:big-model");
      expect(detail.saved).toStartWith("$0.00016 (");
    });
  }
});
