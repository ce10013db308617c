import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A `provider:model` name the catalog does not list is passed through to that provider (README,
 * Choosing a model). The providers page counted a provider's requests from its catalog models
 * only, so what it served under such a name was missing from its requests and error rate, and
 * the model had no row. It now has one (tier and prices "not in the catalog", as its $0 cost).
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-providers-unlisted-00000000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const text = (html: string) => html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");

test("requests to an unlisted openai:<model> count in the provider's figures and get a model row", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  for (let index = 0; index < 3; index++) await client.chat.completions.create({ model: "openai:ft-unlisted-model-1", messages: [{ role: "user", content: "hi" }] });
  upstream.enqueue({ kind: "error", status: 500 });
  await client.chat.completions.create({ model: "openai:ft-unlisted-model-1", messages: [{ role: "user", content: "hi" }] }).catch(() => undefined);
  await proxy.proxy.logWriter.flush();

  const html = await (await fetch(`${proxy.origin}/dashboard/providers`)).text();
  const section = html.slice(html.indexOf('id="provider-openai"'), html.indexOf("</section>", html.indexOf('id="provider-openai"')));
  // Other test files may share the database: the provider's total is at least this test's four.
  expect(Number(/Requests (\d+)/.exec(text(section))?.[1])).toBeGreaterThanOrEqual(4);
  const row = section.slice(section.indexOf("<code>ft-unlisted-model-1</code>"));
  expect(row.length).toBeLessThan(section.length);
  expect(text(row.slice(0, row.indexOf("</tr>")))).toMatch(/ 4 25% \d/);
});

test("a dated snapshot of a listed model gets that model's tier and prices, not 'not in the catalog'", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  await client.chat.completions.create({ model: "openai:gpt-4o-mini-2024-07-18", messages: [{ role: "user", content: "hi" }] });
  await proxy.proxy.logWriter.flush();

  const html = await (await fetch(`${proxy.origin}/dashboard/providers`)).text();
  const section = html.slice(html.indexOf('id="provider-openai"'), html.indexOf("</section>", html.indexOf('id="provider-openai"')));
  const row = section.slice(section.indexOf("<code>gpt-4o-mini-2024-07-18</code>"));
  expect(row.length).toBeLessThan(section.length);
  const cells = text(row.slice(0, row.indexOf("</tr>")));
  expect(cells).not.toContain("not in the catalog");
  expect(cells).toContain("economy $0.15 / $0.60");
});
