import { afterAll, beforeAll, expect, test } from "bun:test";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A request refused because circuit breakers are open says when the first of them lets a probe
 * through (`retry-after`, in seconds), on every door. The SDKs and Claude Code then wait that long
 * instead of spending their few quick retries on a breaker that stays open for the cool-down.
 */
const COOLDOWN_MS = 20_000;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [{ id: "solo", baseUrl: upstream.url, models: [{ id: "solo-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, tier: "economy" }] }];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), CONSECUTIVE_FAILURE_LIMIT: "1", CIRCUIT_COOLDOWN_MS: String(COOLDOWN_MS) });
  upstream.enqueue({ kind: "error", status: 500 });
  await post("/v1/chat/completions", { model: "solo:solo-mini", messages: [{ role: "user", content: "hi" }] });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

function post(path: string, body: unknown) {
  return fetch(`${proxy.origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

const cases = [
  { name: "a named model, chat door", path: "/v1/chat/completions", body: { model: "solo:solo-mini", messages: [{ role: "user", content: "hi" }] }, status: 503 },
  { name: "auto, chat door", path: "/v1/chat/completions", body: { model: "auto", messages: [{ role: "user", content: "hi" }] }, status: 503 },
  { name: "a tier, Responses door", path: "/v1/responses", body: { model: "economy", input: "hi" }, status: 503 },
  { name: "a tier, Messages door", path: "/v1/messages", body: { model: "economy", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, status: 529 },
];

test.each(cases)("$name: retry-after until the breaker's probe", async ({ path, body, status }) => {
  const response = await post(path, body);
  expect(response.status).toBe(status);
  const seconds = Number(response.headers.get("retry-after"));
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(COOLDOWN_MS / 1000);
});

test("a breaker open for longer than a minute (a usage limit's pause) sends no retry-after", async () => {
  const long = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify([{ id: "solo", baseUrl: upstream.url, models: [{ id: "solo-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, tier: "economy" }] }]), CONSECUTIVE_FAILURE_LIMIT: "1", CIRCUIT_COOLDOWN_MS: "600000" });
  try {
    const send = () => fetch(`${long.origin}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "solo:solo-mini", messages: [{ role: "user", content: "hi" }] }) });
    upstream.enqueue({ kind: "error", status: 500 });
    await send();
    const response = await send();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBeNull();
  } finally {
    await long.close();
  }
});
