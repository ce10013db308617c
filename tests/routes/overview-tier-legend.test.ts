import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertRequestLogs } from "../../src/db/queries";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The "Requests by tier" chart puts requests without a tier in one series. Its legend said
 * "errors, named local answers", but most of them are cache hits (answered before routing), with
 * /feedback replies, models the catalog does not list and requests refused before routing.
 */
let proxy: TestProxy;
const hit = makeLogRow({ tier: null, cacheStatus: "hit", cacheSavedUsd: 0.001, costUsd: 0 });

beforeAll(async () => {
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-overview-tier-legend-000000" });
  await insertRequestLogs(proxy.proxy.database.db, [hit]);
});

afterAll(async () => {
  await deleteLogRows(proxy.proxy.database.db, [hit.taskId]);
  await proxy?.close();
});

test("the no-tier series names what it holds, cache hits first", async () => {
  const html = await (await fetch(`${proxy.origin}/dashboard?range=24h`)).text();
  const chart = html.slice(html.indexOf('id="chart-tiers"'), html.indexOf('id="chart-savings"'));
  const list = chart.slice(chart.indexOf('<ul class="legend">'), chart.indexOf("</ul>", chart.indexOf('<ul class="legend">')));
  const legend = [...list.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((match) => match[1]!.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim());
  expect(legend.find((entry) => entry.startsWith("no tier"))).toStartWith("no tier (cache hits, /feedback replies, models not in the catalog, requests refused before routing)");
});
