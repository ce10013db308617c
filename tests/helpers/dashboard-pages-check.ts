import { describe, expect, test } from "bun:test";
import { chromiumMissing, screenshotPath, watchPage, withPage } from "./browser";
import { useDashboardInChromium } from "./dashboard-browser-setup";

/** Every page of the dashboard (the request detail shows this file's first request). */
const pages = [
  { name: "overview", path: () => "/dashboard" },
  { name: "overview-30d", path: () => "/dashboard?range=30d" },
  { name: "requests", path: () => "/dashboard/requests" },
  { name: "request-detail", path: (sent: string[]) => `/dashboard/requests/${sent[0]}` },
  { name: "providers", path: () => "/dashboard/providers" },
  { name: "routing", path: () => "/dashboard/routing" },
  { name: "budgets", path: () => "/dashboard/budgets" },
  { name: "settings", path: () => "/dashboard/settings" },
];

/** Resolves once htmx is loaded (a deferred script, so normally at once after "load"). */
const HTMX_LOADED = "new Promise((resolve) => { const check = () => ('htmx' in window ? resolve(true) : setTimeout(check, 10)); check(); })";

/**
 * Every page in one colour scheme at 1280 and 390 px loads with status 200, htmx, no console error,
 * failed request or sideways scrolling, and is saved as a screenshot (tests/artifacts/screenshots/).
 * One scheme per test file, so that the parallel runner can spread the screenshots over its workers.
 */
export function describeEveryPageIn(scheme: "light" | "dark"): void {
  describe.skipIf(chromiumMissing)(`every dashboard page in Chromium, ${scheme} mode`, () => {
    const setup = useDashboardInChromium();

    for (const width of [1280, 390]) {
      test(
        `every page loads cleanly in ${scheme} mode at ${width} px (screenshots saved)`,
        async () => {
          await withPage(setup.browser, { scheme, width }, async (page) => {
            const problems = watchPage(page);
            for (const entry of pages) {
              const response = await page.goto(`${setup.proxy.origin}${entry.path(setup.sent)}`, { waitUntil: "load" });
              expect(response?.status()).toBe(200);
              // A plain evaluate that waits for htmx: waitForFunction would first inject Playwright's
              // polling script into every page loaded, which on a busy machine costs more than the wait.
              expect(await page.evaluate<boolean>(HTMX_LOADED)).toBe(true);
              const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
              expect({ page: entry.name, overflow }).toEqual({ page: entry.name, overflow: 0 });
              await page.screenshot({ path: screenshotPath(`${entry.name}-${scheme}-${width}`), fullPage: true });
            }
            expect(problems.list).toEqual([]);
          });
        },
        60_000,
      );
    }
  });
}
