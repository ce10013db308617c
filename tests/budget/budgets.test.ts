import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import OpenAI from "openai";
import { applyConfiguredBudgets, listBudgetUsage, reserveBudget, setBudgetLimits } from "../../src/db/budget-queries";
import type { DatabaseHandle } from "../../src/db/client";
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Budgets beyond the race (budget-race.test.ts): downgrades to a cheaper tier and to a $0 model,
 * the API and its validation, the configuration's precedence, reservations of a crashed instance
 * expiring, and periods in a time zone. The database is shared with other test files, so every
 * test leaves no budget behind.
 */
let database: DatabaseHandle;
let upstream: MockOpenAIUpstream;

beforeAll(async () => {
  database = await sharedTestDatabase();
  upstream = startMockOpenAIUpstream({ ollamaModels: ["qwen2.5-coder:7b"] });
  await clearBudgets();
});

afterEach(clearBudgets);
afterAll(() => upstream.close());

async function clearBudgets() {
  for (const table of ["budget_limit", "budget_spend", "budget_reservation"]) await database.db.execute(sql.raw(`delete from ${table}`));
}

async function withProxy(env: Record<string, string>, run: (proxy: TestProxy) => Promise<void>) {
  const proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-budgets-000000000000", OPENAI_BASE_URL: upstream.url, ...env });
  try {
    await run(proxy);
  } finally {
    await proxy.close();
  }
}

const ask = (proxy: TestProxy, model: string, extra: Record<string, unknown> = {}) =>
  fetch(`${proxy.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Rename the variable x to count in utils.ts" }], max_tokens: 1_000, ...extra }),
  });

describe("BUDGET_ACTION=downgrade", () => {
  test("a request the budget cannot cover goes to a cheaper tier that fits, and says so", async () => {
    // gpt-4o at most ~$0.010 for this request, gpt-4o-mini ~$0.0006: $0.004 covers only the cheap tier.
    await withProxy({ BUDGET_DAILY_USD: "0.004" }, async (proxy) => {
      const response = await ask(proxy, "gpt-4o");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-tier")).toBe("economy");
      expect(response.headers.get("x-model")).not.toBe("gpt-4o");
      expect(response.headers.get("x-route-reason")).toMatch(
        /^requested gpt-4o; budget: the global daily budget has \$0\.0040 left, openai:gpt-4o may cost up to \$0\.01\d+; downgraded to openai:/,
      );
      expect(upstream.requests.at(-1)!.body.model).toBe(response.headers.get("x-model")!);
      expect(response.headers.get("x-budget-remaining")).toMatch(/^global:daily=0\.00\d\d$/);
    });
  });

  test("with nothing paid left, a $0 model (local Ollama) that can serve takes the request", async () => {
    await withProxy({ BUDGET_DAILY_USD: "0", OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: upstream.origin }, async (proxy) => {
      const response = await ask(proxy, "gpt-4o-mini");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-provider")).toBe("ollama");
      expect(response.headers.get("x-route-reason")).toContain("downgraded to ollama:qwen2.5-coder:7b");
    });
  });

  test("when no model that fits can serve, the answer is a 429 budget_exceeded", async () => {
    await withProxy({ BUDGET_DAILY_USD: "0" }, async (proxy) => {
      const response = await ask(proxy, "gpt-4o-mini");
      expect(response.status).toBe(429);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("budget_exceeded");
      expect(error.message).toContain("No cheaper model that can serve it fits either.");
    });
  });

  test("tiny limits and amounts stay readable in the refusal (two significant digits, never $0.0000)", async () => {
    await withProxy({ BUDGET_DAILY_USD: "0.00002", BUDGET_ACTION: "block" }, async (proxy) => {
      const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
      const refused = await client.chat.completions
        .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Rename the variable x to count in utils.ts" }], max_tokens: 1_000 })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      const message = (refused as InstanceType<typeof OpenAI.RateLimitError>).message;
      expect(message).toContain("The global daily budget of $0.000020 cannot cover this request: $0 is spent and $0 is held by requests in flight");
      expect(message).toMatch(/may cost up to \$0\.000\d\d on openai:gpt-4o-mini/);
      expect(message).not.toContain("$0.0000 ");
    });
  });

  test("a per-provider budget refuses that provider only; a flat-billed one is never counted", async () => {
    await withProxy({ BUDGET_PROVIDERS: JSON.stringify({ openai: { daily: 0 } }), OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: upstream.origin }, async (proxy) => {
      const response = await ask(proxy, "gpt-4o");
      expect(response.headers.get("x-provider")).toBe("ollama");
      expect(response.headers.get("x-route-reason")).toContain("the daily budget of openai has $0 left");
      const direct = await ask(proxy, "ollama:qwen2.5-coder:7b");
      expect(direct.status).toBe(200);
      expect(direct.headers.get("x-route-reason")).toBe("requested ollama:qwen2.5-coder:7b");
    });
  });
});

describe("GET and PUT /api/budgets", () => {
  test("set, read and remove budgets; the remaining figures follow", async () => {
    await withProxy({}, async (proxy) => {
      const put = await fetch(`${proxy.origin}/api/budgets`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ budgets: [{ scope: "global", period: "daily", limit_usd: 2 }, { scope: "openai", period: "monthly", limit_usd: 30 }] }),
      });
      expect(put.status).toBe(200);
      const report = (await put.json()) as { action: string; time_zone: string; budgets: Array<Record<string, unknown>> };
      expect(report).toMatchObject({ action: "downgrade", time_zone: "UTC" });
      expect(report.budgets).toEqual([
        expect.objectContaining({ scope: "global", period: "daily", limit_usd: 2, spent_usd: 0, reserved_usd: 0, remaining_usd: 2, source: "api" }),
        expect.objectContaining({ scope: "openai", period: "monthly", limit_usd: 30, remaining_usd: 30, source: "api" }),
      ]);
      const daily = report.budgets[0]!;
      expect(new Date(String(daily.resets_at)).getTime() - new Date(String(daily.period_start)).getTime()).toBe(86_400_000);

      const response = await ask(proxy, "gpt-4o-mini");
      // Cents from a dollar up, cut down (money-text.ts): the request's reservation leaves less than 2.00.
      expect(response.headers.get("x-budget-remaining")).toBe("global:daily=1.99, openai:monthly=29.99");
      await response.text();

      await fetch(`${proxy.origin}/api/budgets`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ budgets: [{ scope: "openai", period: "monthly", limit_usd: null }] }) });
      const after = (await (await fetch(`${proxy.origin}/api/budgets`)).json()) as { budgets: Array<{ scope: string }> };
      expect(after.budgets.map((budget) => budget.scope)).toEqual(["global"]);
    });
  });

  test.each([
    ["a negative limit", { budgets: [{ scope: "global", period: "daily", limit_usd: -1 }] }, "budgets[0].limit_usd"],
    ["a limit as a string", { budgets: [{ scope: "global", period: "daily", limit_usd: "5" }] }, "budgets[0].limit_usd"],
    ["an unknown period", { budgets: [{ scope: "global", period: "weekly", limit_usd: 5 }] }, "budgets[0].period"],
    ["an unknown provider", { budgets: [{ scope: "global", period: "daily", limit_usd: 1 }, { scope: "opnai", period: "daily", limit_usd: 5 }] }, "budgets[1].scope"],
    ["an unknown field", { budgets: [{ scope: "global", period: "daily", limit_usd: 5, currency: "EUR" }] }, "budgets[0]"],
    ["the same budget twice", { budgets: [{ scope: "openai", period: "daily", limit_usd: 5 }, { scope: "global", period: "daily", limit_usd: 9 }, { scope: "openai", period: "daily", limit_usd: 1 }] }, "budgets[2]"],
    ["no budgets", { budgets: [] }, "budgets"],
    ["no list", { daily_usd: 5 }, "budgets"],
  ])("%s is a 400 naming the field", async (_name, body, field) => {
    await withProxy({}, async (proxy) => {
      const response = await fetch(`${proxy.origin}/api/budgets`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { message: string; param: string | null; type: string } };
      expect(error.type).toBe("invalid_request_error");
      expect(error.param).toBe(field);
      expect(error.message).toContain(`${field}: `);
      expect((await listBudgetUsage(database.db, "UTC")).length).toBe(0);
    });
  });

  test("the same budget twice is a 400 naming its scope and period; one scope with both periods is fine", async () => {
    await withProxy({}, async (proxy) => {
      const put = (budgets: unknown[]) => fetch(`${proxy.origin}/api/budgets`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ budgets }) });
      const twice = await put([{ scope: "openai", period: "daily", limit_usd: 5 }, { scope: "openai", period: "daily", limit_usd: 1 }]);
      expect(twice.status).toBe(400);
      expect(((await twice.json()) as { error: { message: string } }).error.message).toEndWith(
        "budgets[1]: the openai daily budget is listed twice (also budgets[0]); list each scope and period once",
      );
      const both = await put([{ scope: "openai", period: "daily", limit_usd: 5 }, { scope: "openai", period: "monthly", limit_usd: 50 }]);
      expect(both.status).toBe(200);
    });
  });

  test("a body that is not JSON is a 400", async () => {
    await withProxy({}, async (proxy) => {
      const response = await fetch(`${proxy.origin}/api/budgets`, { method: "PUT", headers: { "content-type": "application/json" }, body: "{limit: 5" });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
    });
  });
});

describe("the database side", () => {
  const limits = async () => (await listBudgetUsage(database.db, "UTC")).map((row) => ({ scope: row.scope, period: row.period, limitUsd: row.limitUsd, configUsd: row.configUsd }));

  test("a changed configuration value wins over an API edit; an unchanged one leaves the edit alone", async () => {
    await applyConfiguredBudgets(database.db, [{ scope: "global", period: "daily", limitUsd: 5 }]);
    await setBudgetLimits(database.db, [{ scope: "global", period: "daily", limitUsd: 7 }]);
    await applyConfiguredBudgets(database.db, [{ scope: "global", period: "daily", limitUsd: 5 }]);
    expect(await limits()).toEqual([{ scope: "global", period: "daily", limitUsd: 7, configUsd: 5 }]);
    await applyConfiguredBudgets(database.db, [{ scope: "global", period: "daily", limitUsd: 6 }]);
    expect(await limits()).toEqual([{ scope: "global", period: "daily", limitUsd: 6, configUsd: 6 }]);
    // Removed from the configuration: gone, unless edited through the API since.
    await applyConfiguredBudgets(database.db, [{ scope: "openai", period: "monthly", limitUsd: 9 }]);
    expect(await limits()).toEqual([{ scope: "openai", period: "monthly", limitUsd: 9, configUsd: 9 }]);
    await setBudgetLimits(database.db, [{ scope: "openai", period: "monthly", limitUsd: 12 }]);
    await applyConfiguredBudgets(database.db, []);
    expect(await limits()).toEqual([{ scope: "openai", period: "monthly", limitUsd: 12, configUsd: null }]);
    // Removed through the API: the unchanged configuration value does not bring it back.
    await applyConfiguredBudgets(database.db, [{ scope: "global", period: "daily", limitUsd: 3 }]);
    await setBudgetLimits(database.db, [{ scope: "global", period: "daily", limitUsd: null }]);
    await applyConfiguredBudgets(database.db, [{ scope: "global", period: "daily", limitUsd: 3 }]);
    expect((await limits()).find((row) => row.scope === "global")).toEqual({ scope: "global", period: "daily", limitUsd: null, configUsd: 3 });
  });

  test("the reservations of an instance that stopped renewing expire", async () => {
    await setBudgetLimits(database.db, [{ scope: "global", period: "daily", limitUsd: 1 }]);
    const reserve = (instanceId: string, leaseSeconds: number) =>
      reserveBudget(database.db, { id: crypto.randomUUID(), instanceId, amounts: new Map([["global", 0.8]]), timeZone: "UTC", leaseSeconds });
    expect((await reserve(crypto.randomUUID(), 1)).granted).toBe(true);
    expect((await reserve(crypto.randomUUID(), 60)).granted).toBe(false);
    await Bun.sleep(1_100);
    const later = await reserve(crypto.randomUUID(), 60);
    expect(later.granted).toBe(true);
    expect(later.usage[0]!.reservedUsd).toBeCloseTo(0.8, 9);
  });

  test("days and months start at midnight and on the 1st in BUDGET_TIME_ZONE", async () => {
    await setBudgetLimits(database.db, [{ scope: "global", period: "daily", limitUsd: 1 }, { scope: "global", period: "monthly", limitUsd: 10 }]);
    const [daily, monthly] = await listBudgetUsage(database.db, "Asia/Tokyo");
    const tokyo = (date: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
    expect(tokyo(daily!.periodStart)).toMatch(/^\d\d, 00:00$/);
    expect(daily!.resetsAt.getTime() - daily!.periodStart.getTime()).toBe(86_400_000);
    expect(tokyo(monthly!.periodStart)).toBe("01, 00:00");
    expect(tokyo(monthly!.resetsAt)).toBe("01, 00:00");
  });
});
