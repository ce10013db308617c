import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * An answer the Anthropic API ended on a stop sequence reaches the Messages door as it ended:
 * `stop_reason: "stop_sequence"` and the sequence that matched, streamed and not. It came back as
 * `end_turn` with no sequence, though the provider had both (a known gap only for upstreams whose
 * finish reason does not say which sequence matched).
 */
const KEY = "sk-ant-test-stop-sequence-000000";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: Anthropic;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url });
  client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const stopped = { kind: "reply" as const, reply: { content: [{ type: "text" as const, text: "one, two, " }], stopReason: "stop_sequence" as const, stopSequence: "three" } };
const request = { model: "claude-haiku-4-5", max_tokens: 50, stop_sequences: ["three", "four"], messages: [{ role: "user" as const, content: "Count to five." }] };

test("not streamed", async () => {
  upstream.enqueue(stopped);
  const message = await client.messages.create(request);
  expect(message.stop_reason).toBe("stop_sequence");
  expect(message.stop_sequence).toBe("three");
});

test("streamed", async () => {
  upstream.enqueue(stopped);
  const message = await client.messages.stream(request).finalMessage();
  expect(message.stop_reason).toBe("stop_sequence");
  expect(message.stop_sequence).toBe("three");
});

test("an ordinary end keeps end_turn and no sequence", async () => {
  upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "one, two, three, four, five" }] } });
  const message = await client.messages.create(request);
  expect(message.stop_reason).toBe("end_turn");
  expect(message.stop_sequence).toBeNull();
});

test("a cached answer replays its stop sequence in the other mode", async () => {
  const cached = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url, CACHE_ENABLED: "true" });
  try {
    const cachedClient = new Anthropic({ apiKey: "x", baseURL: cached.origin, maxRetries: 0 });
    for (const [first, second] of [["stream", "create"], ["create", "stream"]] as const) {
      const asked = { ...request, messages: [{ role: "user" as const, content: `Count to five (${first} first, ${crypto.randomUUID()}).` }] };
      const send = (mode: "stream" | "create") => (mode === "stream" ? cachedClient.messages.stream(asked).finalMessage() : cachedClient.messages.create(asked));
      upstream.enqueue(stopped);
      expect((await send(first)).stop_sequence).toBe("three");
      const before = upstream.requests.length;
      const replayed = await send(second);
      expect(upstream.requests.length).toBe(before);
      expect(replayed).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "three" });
    }
  } finally {
    await cached.close();
  }
});
