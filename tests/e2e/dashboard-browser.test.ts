import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { numberOf, rowsOf } from "../../src/db/rows-of";
import { formatPercent, formatUsd } from "../../views/components/format";
import { chromiumMissing, eventually, screenshotPath, watchPage, withPage } from "../helpers/browser";
import { useDashboardInChromium } from "../helpers/dashboard-browser-setup";

/**
 * The dashboard in a real headless Chromium, over a proxy whose log holds requests sent with the
 * official OpenAI client: a chart's points equal the database, filters narrow the list, the live
 * view shows a request sent during the test, the range switch and the provider test work through
 * htmx, the pages read and filter with JavaScript off, the keyboard reaches everything, and the
 * overview's savings split and cache hit rate match the database. Every page in both colour schemes
 * and widths: dashboard-pages-light-browser.test.ts and dashboard-pages-dark-browser.test.ts; the
 * budget form: dashboard-budgets-browser.test.ts.
 */
if (chromiumMissing) console.warn("dashboard browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)");

describe.skipIf(chromiumMissing)("dashboard in Chromium", () => {
  const setup = useDashboardInChromium();
  const { client, sent, send } = setup;

  test("the cost chart's points equal the request log's sums per provider and hour", async () => {
    await withPage(setup.browser, { scheme: "light", width: 1280 }, async (page) => {
      await page.goto(`${setup.proxy.origin}/dashboard?range=24h`);
      const { since, stepMs } = await page.$eval("#overview-content", (element) => ({ since: element.getAttribute("data-since")!, stepMs: Number(element.getAttribute("data-step-ms")) }));
      const points = await page.$$eval("#chart-cost rect[data-series]", (rects) =>
        rects.map((rect) => ({ series: rect.getAttribute("data-series")!, bucket: Number(rect.getAttribute("data-bucket")), value: Number(rect.getAttribute("data-value")) })),
      );
      const ours = points.filter((point) => point.series === "browser");
      expect(ours.length).toBeGreaterThan(0);
      const rows = rowsOf<{ provider: string; bucket: unknown; cost: unknown }>(
        await setup.proxy.proxy.database.db.execute(sql`
          select provider, floor(extract(epoch from (created_at - ${since}::timestamptz)) * 1000 / ${stepMs})::int as bucket, sum(cost_usd) as cost
          from request_log where created_at >= ${since}::timestamptz and provider is not null
          group by 1, 2 having sum(cost_usd) > 0`),
      );
      const expected = rows.map((row) => ({ series: row.provider, bucket: numberOf(row.bucket), value: numberOf(row.cost) }));
      const key = (point: { series: string; bucket: number }) => `${point.series}@${point.bucket}`;
      const drawn = new Map(points.map((point) => [key(point), point.value]));
      // Every positive sum in the log is drawn, with its value (rows logged after the page was rendered aside).
      for (const point of expected.filter((entry) => entry.series === "browser")) expect(drawn.get(key(point))).toBeCloseTo(point.value, 12);
      // Only this file's provider: other files share the database and delete their rows, which the
      // rollups behind the chart keep on purpose (retention's pruning must not erase history).
      for (const point of ours) expect(expected.find((entry) => key(entry) === key(point))?.value).toBeCloseTo(point.value, 12);
    });
  });

  test("filters narrow the list through htmx and the URL follows", async () => {
    await withPage(setup.browser, { scheme: "light", width: 1280 }, async (page) => {
      const problems = watchPage(page);
      await page.goto(`${setup.proxy.origin}/dashboard/requests`);
      await page.waitForFunction("'htmx' in window");
      const all = await page.locator("#request-rows tr[data-task-id]").count();
      await page.selectOption("select[name=client]", client);
      await page.waitForURL(/client=/);
      const rows = () => page.locator("#request-rows tr[data-task-id]").count();
      expect(await eventually(rows, (count) => count === sent.length + 1)).toBe(sent.length + 1);
      expect(all).toBeGreaterThan(sent.length + 1);
      const clients = await page.$$eval("#request-rows td.clip[title]", (cells) => [...new Set(cells.map((cell) => cell.getAttribute("title")).filter((title) => title?.includes("/")))]);
      expect(clients).toEqual([client]);
      await page.selectOption("select[name=status]", "failed");
      await page.waitForURL(/status=failed/);
      expect(await eventually(rows, (count) => count === 1)).toBe(1);
      expect(await page.locator("#request-rows .badge-failed").count()).toBe(1);
      expect(problems.list).toEqual([]);
    });
  });

  test("the live view shows a request sent while the page is open", async () => {
    await withPage(setup.browser, { scheme: "dark", width: 1280 }, async (page) => {
      const problems = watchPage(page);
      await page.goto(`${setup.proxy.origin}/dashboard/requests?client=${encodeURIComponent(client)}`);
      await page.waitForFunction("'htmx' in window");
      const before = await page.locator("#request-rows tr[data-task-id]").count();
      await send("browser:cheap-mini");
      const row = page.locator(`#task-${sent.at(-1)}`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.getAttribute("class")).toContain("row-new");
      expect(await page.locator("#request-rows tr[data-task-id]").count()).toBe(before + 1);
      // The line above the table counts the rows it shows, new ones included.
      expect(await eventually(() => page.textContent("#request-count"), (text) => text?.startsWith(`Latest ${before + 1} requests`) === true)).toStartWith(`Latest ${before + 1} requests`);
      await page.screenshot({ path: screenshotPath("requests-live-dark-1280") });
      expect(problems.list).toEqual([]);
    });
  }, 30_000);

  test("the range switch swaps the overview through htmx; the provider test shows its answer", async () => {
    await withPage(setup.browser, { scheme: "light", width: 1280 }, async (page) => {
      const problems = watchPage(page);
      await page.goto(`${setup.proxy.origin}/dashboard`);
      await page.waitForFunction("'htmx' in window");
      await page.click(".range-picker a[href$='range=7d']");
      await page.waitForURL(/range=7d/);
      const current = () => page.locator(".range-picker a[aria-current=true]").textContent();
      expect(await eventually(current, (text) => text === "7 days")).toBe("7 days");
      expect(await page.locator("#chart-cost .chart-axis-x text").count()).toBeGreaterThan(3);

      await page.goto(`${setup.proxy.origin}/dashboard/providers`);
      await page.waitForFunction("'htmx' in window");
      await page.selectOption("#provider-browser select[name=model]", "cheap-mini");
      await page.click("#provider-browser button[type=submit]");
      const result = page.locator("#test-result-browser .test-result");
      await result.waitFor();
      expect(await result.getAttribute("data-status")).toBe("200");
      expect(await result.textContent()).toContain("Hello from the mock upstream.");
      expect(page.url()).toEndWith("/dashboard/providers");
      await page.screenshot({ path: screenshotPath("providers-test-light-1280") });
      expect(problems.list).toEqual([]);
    });
  });

  test("with JavaScript off the pages read and the filter form still works", async () => {
    await withPage(setup.browser, { scheme: "light", width: 390, javaScript: false }, async (page) => {
      await page.goto(`${setup.proxy.origin}/dashboard`);
      expect(await page.locator("#chart-cost").count()).toBe(1);
      await page.click(".range-picker a[href$='range=30d']");
      await page.waitForURL(/range=30d/);
      await page.goto(`${setup.proxy.origin}/dashboard/requests`);
      await page.selectOption("select[name=client]", client);
      await page.click(".filters button[type=submit]");
      await page.waitForURL(/client=/);
      expect(await page.locator("#request-rows tr[data-task-id]").count()).toBe(sent.length + 1);
    });
  });

  test("the overview splits the savings four ways and shows the cache hit rate, as the database says", async () => {
    await withPage(setup.browser, { scheme: "light", width: 1280 }, async (page) => {
      await page.goto(`${setup.proxy.origin}/dashboard?range=30d`);
      const since = await page.$eval("#overview-content", (element) => element.getAttribute("data-since")!);
      const row = rowsOf<Record<string, unknown>>(
        await setup.proxy.proxy.database.db.execute(sql`
          select coalesce(sum(subscription_value_usd), 0) as subscription, coalesce(sum(cache_saved_usd), 0) as cache,
            count(*) filter (where cache_status = 'hit') as hits, count(*) filter (where cache_status = 'miss') as misses
          from request_log where created_at >= ${since}::timestamptz`),
      )[0]!;
      const usd = (value: unknown) => formatUsd(numberOf(value));
      expect(await page.textContent("#saved-subscription")).toBe(usd(row.subscription));
      expect(await page.textContent("#saved-cache")).toBe(usd(row.cache));
      expect(numberOf(row.hits)).toBeGreaterThan(0);
      expect(await page.textContent("#card-cache .card-value")).toBe(`${formatPercent(numberOf(row.hits), numberOf(row.hits) + numberOf(row.misses))} hit rate`);
      expect(await page.textContent("#saved-compression")).toMatch(/^\$\d/);
      expect(await page.textContent("#saved-compression")).not.toBe("$0");
      expect(await page.locator("#chart-savings rect[data-series=compression]").count()).toBeGreaterThan(0);
      expect(await page.locator("#chart-savings rect[data-series=cache]").count()).toBeGreaterThan(0);
    });
  });

  test("the keyboard reaches the skip link, the sections and the range picker", async () => {
    await withPage(setup.browser, { scheme: "light", width: 1280 }, async (page) => {
      await page.goto(`${setup.proxy.origin}/dashboard`);
      const focused: string[] = [];
      const text = () => page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
      while (focused.length < 20 && focused.at(-1) !== "7 days") {
        await page.keyboard.press("Tab");
        focused.push(await text());
      }
      expect(focused[0]).toBe("Skip to content");
      expect(focused).toContain("Requests");
      expect(focused).toContain("Settings");
      expect(focused.at(-1)).toBe("7 days");
      await page.keyboard.press("Enter");
      await page.waitForURL(/range=7d/);
    });
  });
});
