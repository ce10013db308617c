import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertRequestLogs } from "../../src/db/queries";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The overview counted the proxy's own refusals (a spent budget's 429, an open circuit's 503,
 * neither of which reached a provider: no provider in the row) as "failed upstream". That count is
 * every 5xx and 429, as the list its link opens, and it now says so; "failed upstream" is the
 * rollup's count of calls a provider answered with an error (a 404 too), refusals left out.
 */
let proxy: TestProxy;
const refusals: ReturnType<typeof makeLogRow>[] = [
  makeLogRow({ status: 429, errorType: "rate_limit_error", provider: null, model: null, createdAt: new Date(Date.now() - 60_000) }),
  makeLogRow({ status: 503, errorType: "upstream_error", provider: null, model: null, createdAt: new Date(Date.now() - 60_000) }),
];

const upstream404 = makeLogRow({ status: 404, errorType: "not_found_error", createdAt: new Date(Date.now() - 60_000) });
let before: { failed: number; upstreamFailed: number };

const totals = async () => {
  const body = (await (await fetch(`${proxy.origin}/api/stats?range=24h`)).json()) as { totals: { failed: number; upstreamFailed: number } };
  return { failed: body.totals.failed, upstreamFailed: body.totals.upstreamFailed };
};

beforeAll(async () => {
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-overview-failed-label-00000" });
  // Other files' rows share the database: the figures are compared before and after.
  before = await totals();
  refusals.push(upstream404);
  await insertRequestLogs(proxy.proxy.database.db, refusals);
});

afterAll(async () => {
  await deleteLogRows(proxy.proxy.database.db, refusals.map((row) => row.taskId));
  await proxy.close();
});

const text = (html: string) => html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");

test("refusals that never reached an upstream are not called upstream failures", async () => {
  const page = text(await (await fetch(`${proxy.origin}/dashboard?range=24h`)).text());
  expect(page).not.toMatch(/\d+ failed upstream/); // the summary sentence's old words
  expect(page).toMatch(/\d+ failed \(5xx, 429\)/);
  expect(page).toContain("Failed (5xx, 429)");
  expect(page).toMatch(/Failed upstream \d+/);
});

test("the upstream failure count holds the provider's 404, not the proxy's refusals", async () => {
  const after = await totals();
  expect(after.failed - before.failed).toBe(2);
  expect(after.upstreamFailed - before.upstreamFailed).toBe(1);
});
