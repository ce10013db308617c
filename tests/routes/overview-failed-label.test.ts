import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertRequestLogs } from "../../src/db/queries";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The overview counted the proxy's own refusals (a spent budget's 429, an open circuit's 503,
 * neither of which reached a provider: no provider in the row) as "failed upstream". Its count is
 * every 5xx and 429, as the list its link opens, and it now says so instead.
 */
let proxy: TestProxy;
const refusals = [
  makeLogRow({ status: 429, errorType: "rate_limit_error", provider: null, model: null, createdAt: new Date(Date.now() - 60_000) }),
  makeLogRow({ status: 503, errorType: "upstream_error", provider: null, model: null, createdAt: new Date(Date.now() - 60_000) }),
];

beforeAll(async () => {
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-overview-failed-label-00000" });
  await insertRequestLogs(proxy.proxy.database.db, refusals);
});

afterAll(async () => {
  await deleteLogRows(proxy.proxy.database.db, refusals.map((row) => row.taskId));
  await proxy.close();
});

const text = (html: string) => html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");

test("refusals that never reached an upstream are not called upstream failures", async () => {
  const page = text(await (await fetch(`${proxy.origin}/dashboard?range=24h`)).text());
  expect(page).not.toMatch(/failed upstream/i);
  expect(page).toMatch(/\d+ failed \(5xx, 429\)/);
  expect(page).toContain("Failed (5xx, 429)");
});
