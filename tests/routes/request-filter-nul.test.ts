import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A request-list filter holding a NUL (`?provider=%00`) is the caller's mistake: PostgreSQL takes
 * no NUL in a text parameter, so the query failed and the page, its rows, the CSV and
 * /api/requests answered 500 (the CSV a header and nothing else). Now it is a 400 naming the field.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-request-filter-nul-0000000", OPENAI_BASE_URL: upstream.url });
  const openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] });
  await proxy.proxy.logWriter.flush();
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

for (const field of ["provider", "model", "tier", "client", "door"]) {
  test(`${field}=%00 is a 400 naming ${field} on every view of the request list`, async () => {
    for (const path of ["/api/requests", "/dashboard/requests", "/dashboard/requests/rows", "/dashboard/requests.csv"]) {
      const response = await fetch(`${proxy.origin}${path}?${field}=a%00b`);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(await response.text()).toContain(field);
    }
  });
}
