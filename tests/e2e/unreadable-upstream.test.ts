import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { APIError } from "openai";
import { brokenBodies, type BrokenBody } from "../helpers/broken-body";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A non-stream upstream answer that cannot be read (its body cut mid-way, not JSON, empty, or JSON
 * of another shape) is the upstream failing before anything reached the client, whichever SDK read
 * it: a retryable 502 in the OpenAI shape, logged, and a fallback when another provider serves the
 * same model. `spare` (an OpenAI-compatible server, dearer, so always second) serves every model
 * the three providers are asked for here.
 */
let openai: MockOpenAIUpstream;
let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let spare: MockOpenAIUpstream;
let alone: TestProxy;
let withSpare: TestProxy;

const rows = [
  { provider: "openai", model: "gpt-4o-mini", enqueue: (broken: BrokenBody) => openai.enqueue({ kind: "broken", broken }) },
  { provider: "anthropic", model: "claude-haiku-4-5", enqueue: (broken: BrokenBody) => anthropic.enqueue({ kind: "broken", broken }) },
  { provider: "gemini", model: "gemini-2.5-flash", enqueue: (broken: BrokenBody) => gemini.enqueue({ kind: "broken", broken }) },
];

beforeAll(async () => {
  openai = startMockOpenAIUpstream();
  anthropic = startMockAnthropicUpstream();
  gemini = startMockGeminiUpstream();
  spare = startMockOpenAIUpstream();
  const env = {
    OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
    OPENAI_BASE_URL: openai.url,
    ANTHROPIC_API_KEY: "sk-ant-test-key-1234567890",
    ANTHROPIC_BASE_URL: anthropic.url,
    GEMINI_API_KEY: "AIzaSyTest-mock-gemini-key-123456",
    GEMINI_BASE_URL: gemini.url,
    // Every request here fails on purpose; keep the circuit breaker out of the way.
    CONSECUTIVE_FAILURE_LIMIT: "1000",
  };
  alone = await startTestProxy(env);
  const spareModels = rows.map((row) => ({ id: row.model, inputPricePerMillion: 500, outputPricePerMillion: 500, tier: "economy" }));
  withSpare = await startTestProxy({ ...env, CUSTOM_PROVIDERS: JSON.stringify([{ id: "spare", baseUrl: spare.url, models: spareModels }]) });
});

afterAll(async () => {
  await alone.close();
  await withSpare.close();
  await Promise.all([openai, anthropic, gemini, spare].map((mock) => mock.close()));
});

const ask = (proxy: TestProxy, model: string) =>
  new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: "user", content: "Hello" }] }).withResponse();

describe.each(rows)("$provider", (row) => {
  test.each(brokenBodies)("$name → 502 upstream_error, logged", async ({ broken }) => {
    row.enqueue(broken);
    const failure = await ask(alone, row.model).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(APIError);
    const error = failure as APIError;
    expect(error.status).toBe(502);
    expect(error.type).toBe("upstream_error");
    expect(error.headers?.get("x-provider")).toBe(row.provider);
    const logged = await alone.logRow(error.headers!.get("x-task-id")!);
    expect(logged).toMatchObject({ status: 502, errorType: "upstream_error", provider: row.provider });
  });

  test.each(brokenBodies)("$name falls back to another provider of the same model", async ({ broken }) => {
    row.enqueue(broken);
    const { data, response } = await ask(withSpare, row.model);
    expect(data.choices[0]!.message.content).toBe("Hello from the mock upstream.");
    expect(response.headers.get("x-provider")).toBe("spare");
    const logged = await withSpare.logRow(response.headers.get("x-task-id")!);
    expect(logged!.status).toBe(200);
    expect(logged!.attempts).toHaveLength(2);
    expect(logged!.attempts![0]).toMatchObject({ provider: row.provider, model: row.model });
    expect(logged!.attempts![0]!.error).toBeString();
  });
});
