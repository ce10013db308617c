import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A streamed answer in which Claude used a server tool (web search, as Claude Code's WebSearch
 * asks for): the `server_tool_use` block's input arrives as input_json_delta fragments, like a
 * client tool's. The proxy has no use for server tool blocks off the Anthropic wire, but they must
 * not break the stream: before, the first such fragment ended every door's stream with
 * "Anthropic sent a malformed content_block_delta stream event".
 */
const KEY = "sk-ant-server-tool-upstream-key";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url });
  anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const webSearch = { type: "web_search_20250305", name: "web_search", max_uses: 5 } as const;

test("the Messages door streams the answer to the end, text whole, with message_stop", async () => {
  upstream.enqueue({ kind: "fixture", name: "web-search" });
  const stream = anthropic.messages.stream({
    model: "claude-sonnet-4-6",
    max_tokens: 1024,
    tools: [webSearch],
    messages: [{ role: "user", content: "What's the weather in NYC?" }],
  });
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  const message = await stream.finalMessage();
  const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
  expect(text).toBe("I'll check the weather in New York City for you.It is sunny in New York today.");
  expect(types.at(-1)).toBe("message_stop");
  expect(message.stop_reason).toBe("end_turn");
  expect(upstream.requests.at(-1)!.body.tools).toEqual([webSearch]);
});

test("the chat door streams the text and a stop finish, no error event", async () => {
  upstream.enqueue({ kind: "fixture", name: "web-search" });
  const stream = await openai.chat.completions.create({
    model: "anthropic:claude-sonnet-4-6",
    stream: true,
    messages: [{ role: "user", content: "What's the weather in NYC?" }],
  });
  let text = "";
  let finish: string | null = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  expect(text).toBe("I'll check the weather in New York City for you.It is sunny in New York today.");
  expect(finish).toBe("stop");
});
