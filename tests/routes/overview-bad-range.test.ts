import { afterAll, beforeAll, expect, test } from "bun:test";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The overview takes `?range=24h|7d|30d`. Another value (`?range=1y`) used to show the last 24 hours
 * under a 200 as if that had been asked, while /api/stats and the request list answer a bad value
 * with a 400 naming it; the page now does the same. An empty range is the default, as a form sends it.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-overview-bad-range-000000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

test.each(["/", "/dashboard"])("%s?range=1y is a 400 page naming range and its values", async (path) => {
  const response = await fetch(`${proxy.origin}${path}?range=1y`);
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toContain("text/html");
  const html = await response.text();
  expect(html).toContain("range");
  expect(html).toContain("24h, 7d, 30d");
  expect((await fetch(`${proxy.origin}${path}?range=`)).status).toBe(200);
  expect((await fetch(`${proxy.origin}${path}?range=7d`)).status).toBe(200);
});
