import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A model's figures on the providers page describe its real upstream calls. The response cache's
 * hits (answered in a millisecond or two, never by the provider) counted in its requests, error
 * rate and mean latency; they are now counted apart. And a model whose every call got an upstream
 * 404 showed a 0% error rate, as only 5xx and 429 counted as failures.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-providers-figures-000000000", OPENAI_BASE_URL: upstream.url, CACHE_ENABLED: "true" });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const text = (html: string) => html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");

async function modelRow(model: string): Promise<string> {
  const html = await (await fetch(`${proxy.origin}/dashboard/providers`)).text();
  const section = html.slice(html.indexOf('id="provider-openai"'), html.indexOf("</section>", html.indexOf('id="provider-openai"')));
  const row = section.slice(section.indexOf(`<code>${model}</code>`));
  expect(row.length).toBeLessThan(section.length);
  return text(row.slice(0, row.indexOf("</tr>"))).trimEnd();
}

test("cache hits are counted apart from the model's requests, errors and latency", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const ask = () => client.chat.completions.create({ model: "openai:ft-figures-cached-1", messages: [{ role: "user", content: "the same question" }], temperature: 0, max_tokens: 100 });
  upstream.enqueue({ kind: "json", body: { id: "x", object: "chat.completion", created: 1, model: "ft-figures-cached-1", choices: [{ index: 0, message: { role: "assistant", content: "An answer." }, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } }, delayMs: 300 });
  await ask();
  for (let index = 0; index < 3; index++) await ask();
  await proxy.proxy.logWriter.flush();
  // One upstream call, no error, its latency (~300 ms, not the mean with three ~1 ms hits); 3 hits.
  const cells = await modelRow("ft-figures-cached-1");
  const match = / 1 0% (\d+) ms 3$/.exec(cells);
  expect(match, cells).not.toBeNull();
  expect(Number(match![1])).toBeGreaterThanOrEqual(300);
});

test("a model whose every call got an upstream 404 shows a 100% error rate", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  for (let index = 0; index < 2; index++) {
    upstream.enqueue({ kind: "error", status: 404, body: { error: { message: "The model does not exist", type: "invalid_request_error", code: "model_not_found" } } });
    const failure = await client.chat.completions.create({ model: "openai:ft-figures-missing-1", messages: [{ role: "user", content: `hi ${index}` }] }).catch((error: unknown) => error);
    expect((failure as { status?: number }).status).toBe(404);
  }
  await proxy.proxy.logWriter.flush();
  expect(await modelRow("ft-figures-missing-1")).toMatch(/ 2 100% — 0$/);
});

test("the page says how cache hits are counted", async () => {
  const html = text(await (await fetch(`${proxy.origin}/dashboard/providers`)).text());
  expect(html).toContain("answers the response cache replayed are counted apart");
});
