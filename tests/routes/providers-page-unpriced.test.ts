import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A model without a known price counts as $0 and by no budget. The providers page showed it at
 * "$0.00 / $0.00", as if it were free: a hosted CUSTOM_PROVIDERS model left unpriced and a
 * provider:model the catalog does not list now read "no price".
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const hosted = {
    id: "hosted",
    // Never called: the page lists configured models without asking the endpoint.
    baseUrl: "https://api.example.invalid/v1",
    models: [{ id: "left-unpriced" }, { id: "priced-one", inputPricePerMillion: 1.25, outputPricePerMillion: 5 }],
  };
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-providers-unpriced-0000000", OPENAI_BASE_URL: upstream.url, CUSTOM_PROVIDERS: JSON.stringify([hosted]) });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const text = (html: string) => html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
const rowOf = (html: string, provider: string, model: string) => {
  const section = html.slice(html.indexOf(`id="provider-${provider}"`), html.indexOf("</section>", html.indexOf(`id="provider-${provider}"`)));
  const row = section.slice(section.indexOf(`<code>${model}</code>`));
  expect(row.length).toBeLessThan(section.length);
  return text(row.slice(0, row.indexOf("</tr>")));
};

test("a hosted custom model without a price reads 'no price'; a priced one shows its prices", async () => {
  const html = await (await fetch(`${proxy.origin}/dashboard/providers`)).text();
  expect(rowOf(html, "hosted", "left-unpriced")).toContain("standard no price");
  expect(rowOf(html, "hosted", "priced-one")).toContain("standard $1.25 / $5.00");
});

test("a provider:model the catalog does not list reads 'no price' once it served", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  await client.chat.completions.create({ model: "openai:ft-unpriced-row-1", messages: [{ role: "user", content: "hi" }] });
  await proxy.proxy.logWriter.flush();
  const html = await (await fetch(`${proxy.origin}/dashboard/providers`)).text();
  expect(rowOf(html, "openai", "ft-unpriced-row-1")).toContain("not in the catalog no price");
});
