import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { inArray, sql } from "drizzle-orm";
import { budgetLimit } from "../../src/db/schema";
import { rowsOf } from "../../src/db/rows-of";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The budgets page's form over a real proxy and database: a same-origin post saves through the
 * budget service (the database has it, GET /api/budgets and a reload show it), htmx gets the page's
 * content back and a plain form post a redirect, a bad value is refused beside its field by the
 * schema PUT /api/budgets uses, unchanged fields are not written, and cross-site requests change
 * nothing, through the form or the API.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
const provider = `budgetform${crypto.randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [{ id: provider, baseUrl: upstream.url, models: [{ id: "mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" }] }];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers) });
});

afterAll(async () => {
  await proxy.proxy.database.db.delete(budgetLimit).where(inArray(budgetLimit.scope, [provider]));
  await proxy.close();
  await upstream.close();
});

const post = (fields: Record<string, string>, headers: Record<string, string>) =>
  fetch(`${proxy.origin}/dashboard/budgets`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
const sameOrigin = () => ({ origin: proxy.origin, "sec-fetch-site": "same-origin" });
const stored = async () =>
  rowsOf<{ period: string; limit_usd: number | null }>(await proxy.proxy.database.db.execute(sql`select period, limit_usd from budget_limit where scope = ${provider} order by period`));
const apiBudgets = async () => ((await (await fetch(`${proxy.origin}/api/budgets`)).json()) as { budgets: Array<{ scope: string; period: string; limit_usd: number }> }).budgets.filter((budget) => budget.scope === provider);

describe("the budget form", () => {
  test("the page lists a field per period for each active provider", async () => {
    const html = await (await fetch(`${proxy.origin}/dashboard/budgets`)).text();
    expect(html).toContain(`name="daily:${provider}"`);
    expect(html).toContain(`name="monthly:${provider}"`);
    expect(html).toContain('name="daily:global"');
    expect(html).toContain('action="/dashboard/budgets"');
  });

  test("without JavaScript a save redirects to the page, which shows the stored limit", async () => {
    const response = await post({ [`monthly:${provider}`]: "250.5", [`daily:${provider}`]: "" }, sameOrigin());
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/dashboard/budgets?saved=1");
    expect(await stored()).toEqual([{ period: "monthly", limit_usd: 250.5 }]);
    expect(await apiBudgets()).toEqual([expect.objectContaining({ period: "monthly", limit_usd: 250.5, source: "api" })]);
    const page = await (await fetch(`${proxy.origin}${response.headers.get("location")}`)).text();
    expect(page).toContain(`name="monthly:${provider}" type="text" inputmode="decimal" autocomplete="off" value="250.5"`);
    expect(page).toContain("Saved 1 limit.");
  });

  test("with htmx the answer is the page's content; unchanged fields are not written again", async () => {
    const before = await proxy.proxy.database.db.execute(sql`select updated_at from budget_limit where scope = ${provider} and period = 'monthly'`);
    const response = await post({ [`monthly:${provider}`]: "250.5", [`daily:${provider}`]: "$12" }, { ...sameOrigin(), "hx-request": "true" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toStartWith('<div id="budgets-content"');
    expect(html).toContain("Saved 1 limit.");
    expect(await stored()).toEqual([
      { period: "daily", limit_usd: 12 },
      { period: "monthly", limit_usd: 250.5 },
    ]);
    expect(await proxy.proxy.database.db.execute(sql`select updated_at from budget_limit where scope = ${provider} and period = 'monthly'`)).toEqual(before);
  });

  for (const [value, message] of [
    ["-3", "must not be negative"],
    ["lots", "must be a number of US dollars"],
    ["2e12", "must be at most 1,000,000,000"],
  ] as const) {
    test(`"${value}" is refused beside its field, and nothing of the form is saved`, async () => {
      const response = await post({ [`daily:${provider}`]: value, [`monthly:${provider}`]: "99" }, { ...sameOrigin(), "hx-request": "true" });
      expect(response.status).toBe(400);
      const html = await response.text();
      const id = `limit-daily-${provider}`;
      expect(html).toContain(`id="${id}" name="daily:${provider}" type="text" inputmode="decimal" autocomplete="off" value="${value}"`);
      expect(html).toContain(`aria-invalid="true" aria-describedby="${id}-error"`);
      expect(html).toContain(`<span class="field-error error-text" id="${id}-error">${message}</span>`);
      expect(html).toContain("Nothing was saved");
      expect(await stored()).toEqual([
        { period: "daily", limit_usd: 12 },
        { period: "monthly", limit_usd: 250.5 },
      ]);
    });
  }

  test("without JavaScript a refusal is the whole page, a 400, with the error beside the field", async () => {
    const response = await post({ [`daily:${provider}`]: "-1" }, sameOrigin());
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("must not be negative");
  });

  test("cross-site posts change nothing", async () => {
    const attempts: Array<Record<string, string>> = [{ "sec-fetch-site": "cross-site", origin: "https://evil.example" }, { "sec-fetch-site": "same-site" }, { origin: "https://evil.example" }, {}];
    for (const headers of attempts) {
      const response = await post({ [`daily:${provider}`]: "1" }, headers);
      expect(response.status).toBe(403);
    }
    expect((await stored())[0]).toEqual({ period: "daily", limit_usd: 12 });
  });

  test("PUT /api/budgets refuses a browser's cross-site request and still serves scripts", async () => {
    const put = (headers: Record<string, string>, limit: number) =>
      fetch(`${proxy.origin}/api/budgets`, {
        method: "PUT",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ budgets: [{ scope: provider, period: "daily", limit_usd: limit }] }),
      });
    const refused = await put({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }, 1);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("cross_site_request");
    expect((await put({ origin: "http://localhost:5173", "sec-fetch-site": "same-site" }, 1)).status).toBe(403);
    expect((await stored())[0]).toEqual({ period: "daily", limit_usd: 12 });
    expect((await put({}, 15)).status).toBe(200);
    expect((await put({ origin: proxy.origin, "sec-fetch-site": "same-origin" }, 16)).status).toBe(200);
    expect((await stored())[0]).toEqual({ period: "daily", limit_usd: 16 });
    const bad = await put({}, -2);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("budgets[0].limit_usd: must not be negative");
  });

  test("an emptied field removes the budget", async () => {
    const response = await post({ [`daily:${provider}`]: "", [`monthly:${provider}`]: "250.5" }, sameOrigin());
    expect(response.status).toBe(303);
    expect(await apiBudgets()).toEqual([expect.objectContaining({ period: "monthly", limit_usd: 250.5 })]);
  });
});
