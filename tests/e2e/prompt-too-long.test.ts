import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A conversation longer than every active model's context window is the client's to shorten, not a
 * server failure: a 400 in each door's shape, worded as the APIs word it (Claude Code compacts on
 * Anthropic's "prompt is too long: N tokens > M maximum"; OpenAI clients read
 * `context_length_exceeded`). A 5xx here made the SDKs and Claude Code retry a request that can
 * never succeed.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const customProviders = [
    { id: "small", displayName: "Small", baseUrl: upstream.url, apiKey: "sk-small-provider-key-123456", models: [{ id: "small-coder", inputPricePerMillion: 0, outputPricePerMillion: 0, tier: "economy", contextWindow: 32_768 }] },
  ];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(customProviders) });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

// About 57,000 tokens by any estimate: more than the 32,768 the only model holds.
const longText = "Please review this function carefully. ".repeat(5_000);

describe("a prompt longer than every active model's context window", () => {
  test("OpenAI door: 400 context_length_exceeded, no upstream call, one log row", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const before = upstream.requests.length;
    const error = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: longText }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe("context_length_exceeded");
    expect(apiError.type).toBe("invalid_request_error");
    expect(apiError.message).toMatch(/prompt is too long: \d+ tokens > 32768 maximum/);
    expect(upstream.requests.length).toBe(before);
    const taskId = apiError.headers?.get("x-task-id");
    expect(taskId).toBeTruthy();
    const row = await proxy.logRow(taskId!);
    expect(row?.status).toBe(400);
  });

  test("Anthropic door: 400 invalid_request_error saying 'prompt is too long'", async () => {
    const client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    const error = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: longText }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(apiError.message).toMatch(/prompt is too long: \d+ tokens > 32768 maximum/);
  });

  test("Responses door: 400 context_length_exceeded", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.responses.create({ model: "auto", input: longText }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
  });

  test("a prompt that fits is still served", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Hello" }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();
  });
});
