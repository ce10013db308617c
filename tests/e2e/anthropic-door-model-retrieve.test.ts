import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * `GET /v1/models/{id}` (the Anthropic SDK's models.retrieve) agrees with `POST /v1/messages`: a
 * name the door serves exists. Under `auto` a Claude family name is a tier hint, so
 * claude-sonnet-4-5 is served (routed from standard) and must not be a 404; under `exact` with the
 * Anthropic provider active, a dated Claude name goes to Anthropic as it is, so it exists too.
 */
let openaiUpstream: MockOpenAIUpstream;
let anthropicUpstream: MockAnthropicUpstream;
let openaiOnly: TestProxy;
let withAnthropic: TestProxy;

beforeAll(async () => {
  openaiUpstream = startMockOpenAIUpstream();
  anthropicUpstream = startMockAnthropicUpstream();
  const openai = { OPENAI_API_KEY: "sk-test-model-retrieve-000000", OPENAI_BASE_URL: openaiUpstream.url };
  openaiOnly = await startTestProxy(openai);
  withAnthropic = await startTestProxy({ ...openai, ANTHROPIC_API_KEY: "sk-ant-model-retrieve-0000", ANTHROPIC_BASE_URL: anthropicUpstream.url });
}, 60_000);

afterAll(async () => {
  await Promise.all([openaiOnly.close(), withAnthropic.close()]);
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
});

const client = (proxy: TestProxy) => new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });

describe("Anthropic models.retrieve agrees with messages.create", () => {
  test("auto policy: a Claude family name the messages route serves is found", async () => {
    const anthropic = client(openaiOnly);
    const message = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "Hello" }] });
    expect(message.type).toBe("message");
    const model = await anthropic.models.retrieve("claude-sonnet-4-5");
    expect(model).toMatchObject({ type: "model", id: "claude-sonnet-4-5" });
    expect(model.display_name).toContain("standard");
  });

  test("exact policy: a dated Claude name goes to Anthropic as it is, so it exists", async () => {
    const model = await client(withAnthropic).models.retrieve("claude-haiku-4-5-20251001");
    expect(model).toMatchObject({ type: "model", id: "claude-haiku-4-5-20251001" });
  });

  test("a name no route serves is still a 404 in Anthropic's shape", async () => {
    const error = await client(openaiOnly).models.retrieve("totally-unknown-model").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});

test("a name with a control character is a 400, as on the messages route", async () => {
  const response = await fetch(`${openaiOnly.origin}/v1/models/claude-haiku%00-4-5`, { headers: { "anthropic-version": "2023-06-01" } });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
});
