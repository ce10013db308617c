import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A `provider:model` name the catalog does not list is passed through as it is: no tier was chosen
 * (the catalog knows none for it), so the answer carries no x-tier and its log row no tier, and
 * x-route-reason says what happened. A listed model named the same way keeps its catalog tier.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-upstream-key-passthrough-hdr", OPENAI_BASE_URL: upstream.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }] }).withResponse();

test("an unlisted provider:model answers without x-tier, and says it was passed through", async () => {
  const { response } = await ask("openai:gpt-9-preview-unlisted");
  expect(upstream.requests.at(-1)!.body.model).toBe("gpt-9-preview-unlisted");
  expect(response.headers.get("x-model")).toBe("gpt-9-preview-unlisted");
  expect(response.headers.get("x-tier")).toBeNull();
  expect(response.headers.get("x-route-reason")).toBe("requested openai:gpt-9-preview-unlisted; not in the catalog: passed through as is, no tier, price unknown (recorded as $0)");
  expect((await proxy.logRow(response.headers.get("x-task-id")!))!.tier).toBeNull();
});

test("a listed model named with its provider keeps its catalog tier", async () => {
  const { response } = await ask("openai:gpt-4o-mini");
  expect(response.headers.get("x-tier")).toBe("economy");
  expect(response.headers.get("x-route-reason")).toBe("requested openai:gpt-4o-mini");
});
