import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertRequestLogs } from "../../src/db/queries";
import { RANGES } from "../../src/db/stats-window";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The overview's summary says how many requests failed upstream in its range and links them. The
 * link listed every failed request ever logged, so "1 failed" opened a list of dozens from older
 * weeks; it now carries the range, as the request list's time filter.
 */
let proxy: TestProxy;
// A client of its own, added to the link's filters below: other files' failures share the database
// and can push this one off the list's first page.
const userAgent = `overview-failed-link/${crypto.randomUUID()}`;
const recent = makeLogRow({ status: 502, errorType: "upstream_error", userAgent, createdAt: new Date(Date.now() - 60_000) });
const old = makeLogRow({ status: 502, errorType: "upstream_error", userAgent, createdAt: new Date(Date.now() - 60 * 86_400_000) });

beforeAll(async () => {
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-overview-failed-link-000000" });
  await insertRequestLogs(proxy.proxy.database.db, [recent, old]);
});

afterAll(async () => {
  await deleteLogRows(proxy.proxy.database.db, [recent.taskId, old.taskId]);
  await proxy.close();
});

for (const range of RANGES) {
  test(`range ${range}: the "failed upstream" link lists that range's failures, not older ones`, async () => {
    const html = await (await fetch(`${proxy.origin}/dashboard?range=${range}`)).text();
    const href = /<a href="([^"]*status=failed[^"]*)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    expect(href).toBeDefined();
    const list = await (await fetch(`${proxy.origin}${href}&client=${encodeURIComponent(userAgent)}`)).text();
    expect(list).toContain(`data-task-id="${recent.taskId}"`);
    expect(list).not.toContain(`data-task-id="${old.taskId}"`);
  });
}
