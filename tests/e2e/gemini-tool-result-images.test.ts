import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * An image in a tool result (an OpenAI client's tool message with an image part, Claude Code's Read
 * of a screenshot) must reach a Gemini model: a `functionResponse` carries only JSON, so the image
 * has to travel as an `inlineData` part of the same user turn. It used to be dropped, the model
 * seeing only the tool result's text.
 */
const geminiKey = "AIzaSyE2e-tool-image-gemini-key-7Qp";
let upstream: MockGeminiUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockGeminiUpstream({ apiKey: geminiKey });
  proxy = await startTestProxy({ GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: upstream.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

test.each([false, true])("a tool result's image reaches Gemini as inlineData after the functionResponse (stream: %p)", async (stream) => {
  const messages: ChatCompletionMessageParam[] = [
    { role: "user", content: "What is on the screen? «écran» 画面" },
    { role: "assistant", content: null, tool_calls: [{ id: "call_shot_1", type: "function", function: { name: "screenshot", arguments: "{}" } }] },
    { role: "tool", tool_call_id: "call_shot_1", content: [{ type: "text", text: "Screenshot taken ✓" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] as never },
  ];
  const tools = [{ type: "function" as const, function: { name: "screenshot", parameters: { type: "object", properties: {} } } }];
  if (stream) {
    const chunks = await client.chat.completions.create({ model: "gemini-2.5-flash", messages, tools, stream: true });
    for await (const _chunk of chunks) void _chunk;
  } else {
    await client.chat.completions.create({ model: "gemini-2.5-flash", messages, tools });
  }
  const contents = upstream.requests.at(-1)!.body.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  const last = contents.at(-1)!;
  expect(last.role).toBe("user");
  expect(last.parts[0]).toMatchObject({ functionResponse: { name: "screenshot", response: { output: expect.stringContaining("Screenshot taken ✓") } } });
  expect(last.parts.slice(1)).toContainEqual({ inlineData: { mimeType: "image/png", data: PNG } });
});
