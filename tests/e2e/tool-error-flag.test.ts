import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A failed tool call (Claude Code's tool_result with `is_error: true`) became a tool message with
 * the proxy's `is_error` extension, sent to OpenAI as it was; OpenAI defines no such field and
 * answers fields it does not define with a 400. OpenAI gets the tool message without it, the
 * error's text unchanged; other OpenAI-wire servers keep it, as they keep the other extensions.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const lab = { id: "lab", displayName: "Lab", baseUrl: upstream.url, apiKey: "sk-lab-tool-error-flag-000", models: [{ id: "lab-coder", inputPricePerMillion: 0, outputPricePerMillion: 0, tier: "economy", contextWindow: 32_768 }] };
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-tool-error-flag-000000", OPENAI_BASE_URL: upstream.url, CUSTOM_PROVIDERS: JSON.stringify([lab]) });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const failedToolLoop = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 50,
  tools: [{ name: "Bash", input_schema: { type: "object", properties: { command: { type: "string" } } } }],
  messages: [
    { role: "user", content: "Run the tests" },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_01", name: "Bash", input: { command: "bun test" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "Exit code 1: 3 tests failed", is_error: true }] },
  ],
});

type Sent = { role: string; content: unknown; is_error?: boolean };
const sentToolMessage = () => (upstream.requests.at(-1)!.body.messages as Sent[]).find((message) => message.role === "tool")!;

test("OpenAI gets the failed tool's message without is_error, its text unchanged", async () => {
  const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  await anthropic.messages.create(failedToolLoop("gpt-4o"));
  const tool = sentToolMessage();
  expect(tool).not.toHaveProperty("is_error");
  expect(tool.content).toBe("Exit code 1: 3 tests failed");
});

test("another OpenAI-wire server keeps it", async () => {
  const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  await anthropic.messages.create(failedToolLoop("lab:lab-coder"));
  expect(sentToolMessage().is_error).toBe(true);
});
