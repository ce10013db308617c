import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sdkFailure } from "../helpers/sdk-failure";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A tool_choice naming a tool the request does not offer is refused with a 400 by each door, in
 * its own error shape, before any upstream is called, as OpenAI and Anthropic refuse it.
 */
const anthropicKey = "sk-ant-unknown-tool-choice";
let openai: MockOpenAIUpstream;
let anthropic: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  openai = startMockOpenAIUpstream();
  anthropic = startMockAnthropicUpstream({ apiKey: anthropicKey });
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-openai-unknown-tool-choice", OPENAI_BASE_URL: openai.url, ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: anthropic.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await openai.close();
  await anthropic.close();
});

const upstreamCalls = () => openai.requests.length + anthropic.requests.length;

test("chat door: OpenAI's 400 naming tool_choice.function.name", async () => {
  const before = upstreamCalls();
  const error = await sdkFailure(() =>
    client.chat.completions.create({
      model: "openai:gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "write_file" } },
    }),
  );
  expect(error.status).toBe(400);
  expect(error.error).toMatchObject({ type: "invalid_request_error", param: "tool_choice.function.name" });
  expect(error.message).toContain("write_file");
  expect(upstreamCalls()).toBe(before);
});

test("Messages door: Anthropic's invalid_request_error", async () => {
  const before = upstreamCalls();
  const anthropicClient = new Anthropic({ apiKey: "any", baseURL: proxy.origin, maxRetries: 0 });
  const error = await anthropicClient.messages
    .create({
      model: "anthropic:claude-haiku-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
      tools: [{ name: "read_file", input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: "write_file" },
    })
    .then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  const body = (error as InstanceType<typeof Anthropic.BadRequestError>).error as { type: string; error: { type: string; message: string } };
  expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  expect(body.error.message).toContain("write_file");
  expect(upstreamCalls()).toBe(before);
});

test("Responses door: a 400 unknown_tool naming tool_choice", async () => {
  const before = upstreamCalls();
  const error = await sdkFailure(() =>
    client.responses.create({
      model: "openai:gpt-4o-mini",
      input: "Hi",
      tools: [{ type: "function", name: "read_file", parameters: { type: "object" }, strict: false }],
      tool_choice: { type: "function", name: "write_file" },
    }),
  );
  expect(error.status).toBe(400);
  expect(error.error).toMatchObject({ type: "invalid_request_error", param: "tool_choice", code: "unknown_tool" });
  expect(upstreamCalls()).toBe(before);
});
