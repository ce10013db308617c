import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockGeminiUpstream, readGeminiFixture, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Gemini reports the prompt's tokens on every stream event, so the Messages door's message_start
 * carries the prompt's usage for a Gemini upstream as it does for Anthropic: from the first event
 * (input less the cached reads, and the cached reads apart), with the answer's usage in message_delta.
 */
const geminiKey = "gemini-message-start-usage";
let gemini: MockGeminiUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  gemini = startMockGeminiUpstream({ apiKey: geminiKey });
  proxy = await startTestProxy({ GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: gemini.url });
});

afterAll(async () => {
  await proxy.close();
  await gemini.close();
});

async function messageStart(reply: Parameters<MockGeminiUpstream["enqueue"]>[0]) {
  gemini.enqueue(reply);
  const client = new Anthropic({ apiKey: "anything", baseURL: proxy.origin, maxRetries: 0 });
  const stream = client.messages.stream({ model: "gemini:gemini-2.5-pro", max_tokens: 256, messages: [{ role: "user", content: "Why does it return early?" }] });
  const events: Anthropic.MessageStreamEvent[] = [];
  // A copy: the SDK grows the message_start event's message into the final one in place.
  for await (const event of stream) events.push(structuredClone(event));
  expect(events[0]!.type).toBe("message_start");
  return { start: (events[0] as Anthropic.RawMessageStartEvent).message.usage, final: await stream.finalMessage() };
}

test("message_start has the prompt's usage from Gemini's first event", async () => {
  const { start, final } = await messageStart({ kind: "fixture", name: "cached-usage" });
  expect(start).toMatchObject({ input_tokens: 4310 - 4096, cache_read_input_tokens: 4096, cache_creation_input_tokens: 0, output_tokens: 0 });
  expect(final.usage).toMatchObject({ input_tokens: 4310 - 4096, cache_read_input_tokens: 4096, output_tokens: 20 + 96 });
});

test("a first event without usage metadata leaves message_start at zeros", async () => {
  const events = readGeminiFixture("cached-usage").map((event, index) => (index === 0 ? { ...(event as Record<string, unknown>), usageMetadata: undefined } : event));
  const { start, final } = await messageStart({ kind: "events", events });
  expect(start).toMatchObject({ input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
  expect(final.usage).toMatchObject({ input_tokens: 4310 - 4096, cache_read_input_tokens: 4096 });
});
