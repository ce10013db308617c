import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { defaultCompletion, type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A request that asks for `logprobs` or web search citations gets them from the model, streamed
 * or not. The cache cannot give them back (a streamed answer is collected without them, and a
 * stored completion replays as a stream without them), so such an answer must not be served from
 * the cache: the client would get `logprobs: null` or no citations where it asked for them, silently.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ CACHE_ENABLED: "true", OPENAI_API_KEY: "sk-test-upstream-key-logprobs-cache-0", OPENAI_BASE_URL: upstream.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const logprobs = { content: [{ token: "Hi", logprob: -0.2, bytes: [72, 105], top_logprobs: [] }], refusal: null };
const base = { id: "chatcmpl-logprobs", object: "chat.completion.chunk", created: 1762000000, model: "gpt-4o-mini" };
const streamWithLogprobs = (): string[] => [
  JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] }),
  JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: "Hi" }, logprobs, finish_reason: null }] }),
  JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] }),
  JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }),
  "[DONE]",
];
const completionWithLogprobs = () => {
  const completion = defaultCompletion("gpt-4o-mini", "Hi");
  return { ...completion, choices: [{ ...completion.choices[0]!, logprobs }] };
};
const question = () => ({ model: "gpt-4o-mini", logprobs: true, temperature: 0, messages: [{ role: "user" as const, content: `Say hi (${crypto.randomUUID()})` }] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function streamedLogprobs(request: ReturnType<typeof question>): Promise<unknown[]> {
  const stream = await client.chat.completions.create({ ...request, stream: true });
  const found: unknown[] = [];
  for await (const chunk of stream) if (chunk.choices[0]?.logprobs) found.push(chunk.choices[0].logprobs);
  return found;
}

test("streamed with logprobs, then asked again without streaming: the logprobs are there", async () => {
  const request = question();
  upstream.enqueue({ kind: "lines", lines: streamWithLogprobs() });
  expect(await streamedLogprobs(request)).toEqual([logprobs]);
  await settle();
  upstream.enqueue({ kind: "json", body: completionWithLogprobs() });
  const again = await client.chat.completions.create(request);
  expect(again.choices[0]?.logprobs).toEqual(logprobs);
});

test("answered with logprobs, then asked again as a stream: the logprobs are there", async () => {
  const request = question();
  upstream.enqueue({ kind: "json", body: completionWithLogprobs() });
  expect((await client.chat.completions.create(request)).choices[0]?.logprobs).toEqual(logprobs);
  await settle();
  upstream.enqueue({ kind: "lines", lines: streamWithLogprobs() });
  expect(await streamedLogprobs(request)).toEqual([logprobs]);
});

test("the same question without logprobs is still cached", async () => {
  const { logprobs: _, ...request } = question();
  await client.chat.completions.create(request);
  await settle();
  const before = upstream.requests.length;
  const again = await client.chat.completions.create(request).withResponse();
  expect(again.response.headers.get("x-cache")).toBe("HIT");
  expect(upstream.requests.length).toBe(before);
});

test("web search citations (annotations) answered without streaming, then asked again as a stream: the citations are there", async () => {
  const annotations = [{ type: "url_citation" as const, url_citation: { url: "https://example.com/", title: "Example", start_index: 0, end_index: 2 } }];
  const request = { model: "gpt-4o-mini", web_search_options: {}, temperature: 0, messages: [{ role: "user" as const, content: `Search it (${crypto.randomUUID()})` }] };
  const completion = defaultCompletion("gpt-4o-mini", "Hi");
  upstream.enqueue({ kind: "json", body: { ...completion, choices: [{ ...completion.choices[0]!, message: { ...completion.choices[0]!.message, annotations } }] } });
  const first = await client.chat.completions.create(request);
  expect(first.choices[0]?.message.annotations).toEqual(annotations);
  await settle();
  upstream.enqueue({
    kind: "lines",
    lines: [
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "Hi" }, finish_reason: null }] }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { annotations }, finish_reason: null }] }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
      "[DONE]",
    ],
  });
  const stream = await client.chat.completions.create({ ...request, stream: true });
  const found: unknown[] = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as { annotations?: unknown } | undefined;
    if (delta?.annotations) found.push(delta.annotations);
  }
  expect(found).toEqual([annotations]);
});
