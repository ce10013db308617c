import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BudgetService } from "../../src/budget/budget-service";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { ProxyError } from "../../src/errors";
import type { PipelineDeps } from "../../src/pipeline/context";
import { createContext } from "../../src/pipeline/create-context";
import { budget } from "../../src/pipeline/stages/budget";
import { classify } from "../../src/pipeline/stages/classify";
import { route } from "../../src/pipeline/stages/route";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * When the database cannot answer the budget check, no paid model may be called: the request is
 * refused with a 503, or, with BUDGET_ACTION=downgrade, served by a $0 model that can serve it.
 * The stage runs on its own here, with a budget service whose database fails.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream({ ollamaModels: ["qwen2.5-coder:7b"] });
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-budget-stage-000000", OPENAI_BASE_URL: upstream.url, OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: upstream.origin });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

function failingBudgets(action: "downgrade" | "block"): BudgetService {
  const failing = {
    active: true,
    settings: { action, timeZone: "UTC", configured: [] },
    limitedScopes: () => new Set(["global"]),
    reserve: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")),
    settle: () => undefined,
    counters: { reservations: 0, settlements: 0, releases: 0, blocked: 0, downgraded: 0 },
  };
  return failing as unknown as BudgetService;
}

let budgets: BudgetService;
async function check(action: "downgrade" | "block") {
  budgets = failingBudgets(action);
  const deps: PipelineDeps = { ...proxy.proxy.pipeline, budgets };
  const request = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] });
  const context = createContext({ door: "openai", request, http: new Request("http://127.0.0.1/v1/chat/completions", { method: "POST" }) });
  await classify(context, deps);
  await route(context, deps);
  await budget(context, deps);
  return context;
}

describe("a budget check the database cannot answer", () => {
  test("with BUDGET_ACTION=block, is a 503 budget_unavailable", async () => {
    const error = await check("block").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ status: 503, code: "budget_unavailable" });
    expect(budgets.counters).toMatchObject({ blocked: 1, downgraded: 0 });
  });

  test("with BUDGET_ACTION=downgrade, goes to a $0 model that can serve it", async () => {
    const context = await check("downgrade");
    expect(context.route!.candidates.map((candidate) => candidate.provider.id)).toEqual(["ollama"]);
    expect(context.route!.reason).toEndWith("budget: could not be checked, using $0 model ollama:qwen2.5-coder:7b");
    expect(budgets.counters).toMatchObject({ blocked: 0, downgraded: 1 });
  });
});
