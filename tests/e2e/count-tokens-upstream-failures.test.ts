import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * count_tokens asks the Anthropic provider's own endpoint, and answers with the router's estimate
 * when that fails (README: Claude Code). Two failures were not caught: an endpoint that never
 * answers held the client until the SDK's hour-long timeout (UPSTREAM_TIMEOUT_MS did not apply),
 * and a 200 whose body holds no count (an HTML page, `{}`) came back as `{}` labelled `anthropic`.
 */
const KEY = "sk-ant-count-tokens-upstream-key";
const TIMEOUT_MS = 400;
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: Anthropic;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url, UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
  // The client gives up long after the proxy should have: a hang shows as this timeout.
  client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0, timeout: 15_000 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const params = { model: "claude-sonnet-4-6", messages: [{ role: "user" as const, content: "How many tokens is this?" }] };

test("a working endpoint's count is answered as the provider's", async () => {
  const { data, response } = await client.messages.countTokens(params).withResponse();
  expect(data.input_tokens).toBeGreaterThan(0);
  expect(response.headers.get("x-token-count-source")).toBe("anthropic");
});

test("an endpoint that never answers: the estimate, after UPSTREAM_TIMEOUT_MS, and the upstream request is cancelled", async () => {
  upstream.enqueueCount({ kind: "hang" });
  const abortedBefore = upstream.aborted;
  const { data, response } = await client.messages.countTokens(params).withResponse();
  expect(response.headers.get("x-token-count-source")).toBe("estimate");
  expect(data.input_tokens).toBeGreaterThan(0);
  for (let wait = 0; wait < 50 && upstream.aborted === abortedBefore; wait++) await Bun.sleep(20);
  expect(upstream.aborted).toBe(abortedBefore + 1);
});

for (const [name, reply] of [
  ["JSON without input_tokens", { kind: "json", body: {} }],
  ["a count that is not a number", { kind: "json", body: { input_tokens: "many" } }],
  ["a body that is not JSON (an HTML page)", { kind: "broken", broken: { body: "<html>Bad gateway</html>", contentType: "text/html" } }],
] as const) {
  test(`a 200 with ${name}: the estimate, never a body without input_tokens`, async () => {
    upstream.enqueueCount(reply);
    const { data, response } = await client.messages.countTokens(params).withResponse();
    expect(response.headers.get("x-token-count-source")).toBe("estimate");
    expect(typeof data.input_tokens).toBe("number");
    expect(data.input_tokens).toBeGreaterThan(0);
  });
}
