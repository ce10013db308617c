import { afterAll, beforeAll, expect, test } from "bun:test";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Every time on the dashboard (request times, "as of", budget resets) is the proxy's local time,
 * which is not the reader's when the proxy runs elsewhere (a container on UTC, a server abroad).
 * Each page now says which zone its times are in.
 */
let proxy: TestProxy;
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

beforeAll(async () => {
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-dashboard-time-zone-0000000" });
});

afterAll(async () => {
  await proxy?.close();
});

test("each page names the time zone of its times", async () => {
  for (const path of ["/dashboard", "/dashboard/requests", "/dashboard/providers", "/dashboard/routing", "/dashboard/budgets", "/dashboard/settings"]) {
    const html = await (await fetch(`${proxy.origin}${path}`)).text();
    expect({ path, footer: /<footer[^>]*>([\s\S]*?)<\/footer>/.exec(html)?.[1]?.replace(/<[^>]*>/g, "").replaceAll("&#39;", "'") }).toEqual({ path, footer: `Times are in ${zone}, the proxy's time zone.` });
  }
});
