import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * When `auto` or a tier finds capable models but every one has its circuit breaker open, the
 * request fails the way a named model with an open circuit does: 503 `circuit_open` on the OpenAI
 * doors, 529 `overloaded_error` on the Messages door (README: Claude Code), so clients back off
 * and retry. Before, it was 503 `no_capable_model`, which the Messages door sent as a 500 api_error.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [{ id: "solo", baseUrl: upstream.url, models: [{ id: "solo-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, tier: "economy" }] }];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), CONSECUTIVE_FAILURE_LIMIT: "1", CIRCUIT_COOLDOWN_MS: "600000" });
  openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  // One failure opens the only model's circuit.
  upstream.enqueue({ kind: "error", status: 500 });
  await openai.chat.completions.create({ model: "solo:solo-mini", messages: [{ role: "user", content: "hi" }] }).catch(() => undefined);
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

test("every capable model's circuit open: the Messages door answers 529 overloaded_error", async () => {
  const before = upstream.requests.length;
  const error = await anthropic.messages.create({ model: "economy", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((caught) => caught);
  expect(error).toBeInstanceOf(Anthropic.APIError);
  expect(error.status).toBe(529);
  expect(error.error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  expect(error.error.error.message).toContain("circuit open");
  expect(upstream.requests.length).toBe(before);
});

test("every capable model's circuit open: the OpenAI doors answer 503 circuit_open", async () => {
  const chat = await openai.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] }).catch((caught) => caught);
  expect(chat).toBeInstanceOf(OpenAI.APIError);
  expect(chat.status).toBe(503);
  expect(chat.error).toMatchObject({ code: "circuit_open" });

  const responses = await openai.responses.create({ model: "economy", input: "hi" }).catch((caught) => caught);
  expect(responses).toBeInstanceOf(OpenAI.APIError);
  expect(responses.status).toBe(503);
  expect(responses.error).toMatchObject({ code: "circuit_open" });
});
