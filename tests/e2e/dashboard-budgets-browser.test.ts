import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { numberOf, rowsOf } from "../../src/db/rows-of";
import { chromiumMissing, launchChromium, newContext, screenshotPath, watchPage } from "../helpers/browser";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The budgets page's form in a real headless Chromium: an edit saved through htmx shows after a
 * reload and is in the database; a bad value is refused beside its field (aria-invalid, the value
 * as typed kept); without JavaScript the plain form post saves and refuses the same way.
 * Screenshots of the refused form in tests/artifacts/screenshots/.
 */
if (chromiumMissing) console.warn("dashboard budget browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)");

describe.skipIf(chromiumMissing)("the budget form in Chromium", () => {
  let upstream: MockOpenAIUpstream;
  let proxy: TestProxy;
  let browser: Browser;

  beforeAll(async () => {
    upstream = startMockOpenAIUpstream();
    const providers = [{ id: "browser", baseUrl: upstream.url, models: [{ id: "cheap-mini", inputPricePerMillion: 0.2, outputPricePerMillion: 0.8, tier: "economy" }] }];
    proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers) });
    await proxy.proxy.database.db.execute(sql`delete from budget_limit where scope = 'browser'`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    if (proxy) await proxy.proxy.database.db.execute(sql`delete from budget_limit where scope = 'browser'`);
    await browser?.close();
    await proxy?.close();
    await upstream?.close();
  });

  test("a budget edit round trips through htmx; a bad value is refused beside its field", async () => {
    const context = await newContext(browser, { scheme: "light", width: 1280 });
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(`${proxy.origin}/dashboard/budgets`);
      await page.waitForFunction("'htmx' in window");
      await page.fill("#limit-monthly-browser", "42.5");
      await page.click("#budget-form button[type=submit]");
      await page.locator("#budget-form-status", { hasText: "Saved 1 limit." }).waitFor();
      expect(page.url()).toEndWith("/dashboard/budgets");
      const stored = async () =>
        rowsOf<{ period: string; limit_usd: unknown }>(await proxy.proxy.database.db.execute(sql`select period, limit_usd from budget_limit where scope = 'browser' and limit_usd is not null`)).map(
          (row) => ({ period: row.period, limit: numberOf(row.limit_usd) }),
        );
      expect(await stored()).toEqual([{ period: "monthly", limit: 42.5 }]);
      await page.reload();
      expect(await page.inputValue("#limit-monthly-browser")).toBe("42.5");
      expect(await page.locator("#limit-monthly-browser-usage").textContent()).toContain("spent");
      expect(problems.list).toEqual([]);

      await page.waitForFunction("'htmx' in window");
      await page.fill("#limit-daily-browser", "-5");
      await page.click("#budget-form button[type=submit]");
      const error = page.locator("#limit-daily-browser-error");
      await error.waitFor();
      expect(await error.textContent()).toBe("must not be negative");
      expect(await page.getAttribute("#limit-daily-browser", "aria-invalid")).toBe("true");
      expect(await page.inputValue("#limit-daily-browser")).toBe("-5");
      // The error sits in the same cell as its field.
      expect(await page.locator("td:has(#limit-daily-browser) #limit-daily-browser-error").count()).toBe(1);
      expect(await stored()).toEqual([{ period: "monthly", limit: 42.5 }]);
      await page.screenshot({ path: screenshotPath("budgets-error-light-1280"), fullPage: true });
      // The refusal is a 400 by design; nothing else went wrong.
      const expected = [`HTTP 400: ${proxy.origin}/dashboard/budgets`, "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"];
      expect([...problems.list].sort()).toEqual(expected.sort());
    } finally {
      await context.close();
    }
  });

  test("without JavaScript a budget edit posts the form and the page shows the saved limit", async () => {
    const context = await newContext(browser, { scheme: "dark", width: 390, javaScript: false });
    try {
      const page = await context.newPage();
      await page.goto(`${proxy.origin}/dashboard/budgets`);
      await page.fill("#limit-daily-browser", "3");
      await page.click("#budget-form button[type=submit]");
      await page.waitForURL(/saved=1/);
      expect(await page.inputValue("#limit-daily-browser")).toBe("3");
      expect(await page.locator("#budget-form-status").textContent()).toBe("Saved 1 limit.");
      await page.fill("#limit-daily-browser", "three dollars");
      await page.click("#budget-form button[type=submit]");
      expect(await page.locator("#limit-daily-browser-error").textContent()).toBe("must be a number of US dollars");
      await page.screenshot({ path: screenshotPath("budgets-error-dark-390"), fullPage: true });
      const rows = rowsOf<{ limit_usd: unknown }>(await proxy.proxy.database.db.execute(sql`select limit_usd from budget_limit where scope = 'browser' and period = 'daily'`));
      expect(rows.map((row) => numberOf(row.limit_usd))).toEqual([3]);
    } finally {
      await context.close();
    }
  });

});
