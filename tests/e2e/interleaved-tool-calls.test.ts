import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Some OpenAI-compatible servers stream parallel tool calls with their argument deltas interleaved
 * (call 0's, then call 1's, then call 0's again); OpenAI itself sends each call whole. The Messages
 * door allows one open block at a time and cannot reopen a stopped one, and used to end such a
 * stream with an `tool_call_out_of_order` error event; the Responses door always took it. Now both
 * calls reach the official SDKs whole, and the request is logged as the success it is.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-interleaved-tools-00000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const line = (delta: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({ id: "chatcmpl-interleaved", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] });
const calls = (...toolCalls: Record<string, unknown>[]) => line({ tool_calls: toolCalls });

const interleaved = {
  kind: "lines" as const,
  lines: [
    line({ role: "assistant", content: null }),
    calls({ index: 0, id: "call_weather", type: "function", function: { name: "get_weather", arguments: "" } }),
    calls({ index: 0, function: { arguments: '{"city":' } }),
    calls({ index: 1, id: "call_time", type: "function", function: { name: "get_time", arguments: "" } }),
    calls({ index: 1, function: { arguments: '{"zone":' } }),
    calls({ index: 0, function: { arguments: '"Paris"}' } }),
    calls({ index: 1, function: { arguments: '"Europe/Paris"}' } }),
    line({}, "tool_calls"),
    JSON.stringify({ id: "chatcmpl-interleaved", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [], usage: { prompt_tokens: 40, completion_tokens: 18, total_tokens: 58 } }),
    "[DONE]",
  ],
};

const tools: Anthropic.Tool[] = [
  { name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
  { name: "get_time", input_schema: { type: "object", properties: { zone: { type: "string" } } } },
];

test("Messages door: both interleaved calls arrive whole as tool_use blocks; the log row is a 200", async () => {
  upstream.enqueue(interleaved);
  const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  const stream = anthropic.messages.stream({ model: "gpt-4o", max_tokens: 200, tools, messages: [{ role: "user", content: "Weather and time in Paris?" }] });
  const { response } = await stream.withResponse();
  const message = await stream.finalMessage();
  expect(message.content).toMatchObject([
    { type: "tool_use", id: "call_weather", name: "get_weather", input: { city: "Paris" } },
    { type: "tool_use", id: "call_time", name: "get_time", input: { zone: "Europe/Paris" } },
  ]);
  expect(message.content).toHaveLength(2);
  expect(message.stop_reason).toBe("tool_use");
  expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 18 });
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ door: "anthropic", status: 200, errorType: null });
});

test("Responses door: the same stream gives both function calls (as it did before)", async () => {
  upstream.enqueue(interleaved);
  const openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const stream = openai.responses.stream({
    model: "gpt-4o",
    input: "Weather and time in Paris?",
    tools: [
      { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false },
      { type: "function", name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } }, strict: false },
    ],
  });
  const response = await stream.finalResponse();
  const functionCalls = response.output.filter((item) => item.type === "function_call");
  expect(functionCalls.map((item) => [item.call_id, item.name, JSON.parse(item.arguments)])).toEqual([
    ["call_weather", "get_weather", { city: "Paris" }],
    ["call_time", "get_time", { zone: "Europe/Paris" }],
  ]);
});
