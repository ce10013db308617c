import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * An OpenAI-compatible upstream that answers 200 with a completion holding no usable choice (no
 * choice at all, or a choice without a `message`, as some gateways send on an internal failure)
 * has failed before anything reached the client: a retryable 502 that falls back to the next
 * candidate, on every door. Before, a choice without a message crashed the proxy (500
 * internal_error, no fallback) and an empty `choices` came back as an empty answer, "complete".
 */
let cheap: MockOpenAIUpstream;
let steady: MockOpenAIUpstream;
let proxy: TestProxy;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  cheap = startMockOpenAIUpstream();
  steady = startMockOpenAIUpstream();
  const providers = [
    { id: "cheap", baseUrl: cheap.url, models: [{ id: "cheap-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, tier: "economy" }] },
    { id: "steady", baseUrl: steady.url, models: [{ id: "steady-mini", inputPricePerMillion: 0.5, outputPricePerMillion: 1, tier: "economy" }] },
  ];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), CONSECUTIVE_FAILURE_LIMIT: "1000" });
  openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await cheap.close();
  await steady.close();
});

const completion = (choices: unknown[]) => ({
  id: "chatcmpl-unusable",
  object: "chat.completion",
  created: 1,
  model: "cheap-mini",
  choices,
  usage: { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 },
});

const unusable = {
  "a choice without a message": completion([{ index: 0, finish_reason: "stop" }]),
  "a choice whose message is null": completion([{ index: 0, message: null, finish_reason: "stop" }]),
  "no choice at all": completion([]),
};

describe("a 200 completion without a usable choice falls back", () => {
  for (const [name, body] of Object.entries(unusable)) {
    test(`${name}: the chat door answers from the next candidate`, async () => {
      cheap.enqueue({ kind: "json", body });
      const { data, response } = await openai.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "rename this variable" }] }).withResponse();
      expect(data.choices[0]?.message.content).toBe("Hello from the mock upstream.");
      expect(response.headers.get("x-provider")).toBe("steady");
      const row = await proxy.logRow(response.headers.get("x-task-id")!);
      expect(row!.fallbacks).toBe(1);
      expect(row!.attempts![0]!.error).toContain("could not read");
    });

    test(`${name}: the Messages door answers from the next candidate`, async () => {
      cheap.enqueue({ kind: "json", body });
      const { data, response } = await anthropic.messages.create({ model: "economy", max_tokens: 100, messages: [{ role: "user", content: "rename this variable" }] }).withResponse();
      expect(data.content).toMatchObject([{ type: "text", text: "Hello from the mock upstream." }]);
      expect(response.headers.get("x-provider")).toBe("steady");
    });

    test(`${name}: the Responses door answers from the next candidate`, async () => {
      cheap.enqueue({ kind: "json", body });
      const { data, response } = await openai.responses.create({ model: "economy", input: "rename this variable" }).withResponse();
      expect(data.output_text).toBe("Hello from the mock upstream.");
      expect(response.headers.get("x-provider")).toBe("steady");
    });
  }

  test("a named model with no other provider: a 502 in each door's shape, never a 500 internal error", async () => {
    cheap.enqueue({ kind: "json", body: unusable["a choice without a message"] });
    const chat = await openai.chat.completions.create({ model: "cheap-mini", messages: [{ role: "user", content: "hi" }] }).catch((error) => error);
    expect(chat).toBeInstanceOf(OpenAI.APIError);
    expect(chat.status).toBe(502);
    expect(chat.error).toMatchObject({ type: "upstream_error", code: "malformed_upstream_response" });

    cheap.enqueue({ kind: "json", body: unusable["no choice at all"] });
    const messages = await anthropic.messages.create({ model: "cheap:cheap-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((error) => error);
    expect(messages).toBeInstanceOf(Anthropic.InternalServerError);
    expect(messages.error).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(messages.error.error.message).toContain("could not read");
  });
});
