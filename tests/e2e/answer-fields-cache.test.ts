import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockAnthropicUpstream, type ScriptedReply, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A stop sequence's answer served again from the response cache, to the Messages door through the
 * official SDK: the stop sequence and the prompt's usage at message_start are the first answer's,
 * whether it was stored from a stream or a whole answer and served as either.
 */
const KEY = "sk-ant-answer-fields-cache-key";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let anthropic: Anthropic;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
  proxy = await startTestProxy({ CACHE_ENABLED: "true", ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url });
  anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const reply: ScriptedReply = {
  content: [{ type: "text", text: "1, 2, 3, " }],
  stopReason: "stop_sequence",
  stopSequence: "4,",
  usage: { input_tokens: 180, cache_read_input_tokens: 10240, cache_creation_input_tokens: 2048, output_tokens: 9 },
};
const request = (text: string) => ({ model: "claude-sonnet-4-6", max_tokens: 256, stop_sequences: ["4,"], messages: [{ role: "user" as const, content: text }] });

async function streamed(text: string) {
  const stream = anthropic.messages.stream(request(text));
  let startUsage: unknown;
  for await (const event of stream) if (event.type === "message_start") startUsage = { ...event.message.usage };
  const { response } = await stream.withResponse();
  return { message: await stream.finalMessage(), startUsage, cache: response.headers.get("x-cache") };
}

test.each([
  ["stored from a stream", true],
  ["stored from a whole answer", false],
])("%s, then served as a stream and whole: the same stop sequence", async (name, storedStreaming) => {
  const text = `Count to four (${name}).`;
  upstream.enqueue({ kind: "reply", reply });
  if (storedStreaming) expect((await streamed(text)).message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4," });
  else expect(await anthropic.messages.create(request(text))).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4," });
  const again = await streamed(text);
  expect(again.cache).toBe("HIT");
  expect(again.message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4," });
  expect(again.startUsage).toMatchObject({ input_tokens: 180, cache_creation_input_tokens: 2048, cache_read_input_tokens: 10240 });
  const whole = await anthropic.messages.create(request(text)).withResponse();
  expect(whole.response.headers.get("x-cache")).toBe("HIT");
  expect(whole.data).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4," });
  expect(upstream.requests.length).toBe(storedStreaming ? 1 : 2);
});
