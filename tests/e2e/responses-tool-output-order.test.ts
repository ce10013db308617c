import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseInputItem, Tool } from "openai/resources/responses/responses";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A Responses input with a user message between a function_call and its output (a client steering
 * mid-turn) reaches every upstream with the tool result right after its call: an OpenAI-wire
 * upstream gets assistant(tool_calls) → tool → user, as OpenAI's chat API requires, and Anthropic
 * gets the tool_result first in the user turn.
 */
const anthropicKey = "sk-ant-tool-output-order";
let openai: MockOpenAIUpstream;
let anthropic: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  openai = startMockOpenAIUpstream();
  anthropic = startMockAnthropicUpstream({ apiKey: anthropicKey });
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-openai-tool-output-order", OPENAI_BASE_URL: openai.url, ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: anthropic.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await openai.close();
  await anthropic.close();
});

const tools: Tool[] = [{ type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } }, strict: false }];
const input: ResponseInputItem[] = [
  { role: "user", content: "list the files" },
  { type: "function_call", call_id: "call_ls", name: "exec_command", arguments: '{"cmd":"ls"}' },
  { role: "user", content: "and show hidden ones too" },
  { type: "function_call_output", call_id: "call_ls", output: "a.txt\nb.txt" },
];

test("an OpenAI-wire upstream gets assistant(tool_calls), then the tool message, then the user message", async () => {
  await client.responses.create({ model: "openai:gpt-4o-mini", input, tools });
  const messages = openai.requests.at(-1)!.body.messages as Array<Record<string, unknown>>;
  expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "user"]);
  expect(messages[2]).toMatchObject({ role: "tool", tool_call_id: "call_ls" });
  expect(messages[3]).toMatchObject({ role: "user", content: "and show hidden ones too" });
});

test("Anthropic gets the tool_result first in the user turn that follows the tool_use", async () => {
  await client.responses.create({ model: "anthropic:claude-haiku-4-5", input, tools });
  const messages = anthropic.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
  expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
  expect(messages[2]!.content).toEqual([
    { type: "tool_result", tool_use_id: "call_ls", content: "a.txt\nb.txt" },
    { type: "text", text: "and show hidden ones too" },
  ]);
});
