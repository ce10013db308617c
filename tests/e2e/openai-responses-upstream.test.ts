import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseInputItem, Tool } from "openai/resources/responses/responses";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { outputText, runResponsesTurn } from "../helpers/responses-turn";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * GPT-6.1 and 6.2 take tools only on OpenAI's Responses API: the OpenAI provider sends their tool
 * requests there (whichever door they came through) and reads its event stream back. Through the
 * Responses door, the model's reasoning (encrypted_content) goes to the client sealed and comes
 * back to OpenAI as the reasoning item it was, so a tool loop keeps its reasoning.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-openai-responses-upstream", OPENAI_BASE_URL: upstream.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const readFileTool: Tool = { type: "function", name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } }, strict: false };

test.each([false, true])("a tool loop with GPT-6.1 Terra through the Responses door keeps its reasoning, stream: %p", async (stream) => {
  const extra = { include: ["reasoning.encrypted_content"], reasoning: { effort: "medium", summary: "auto" }, store: false };
  const input: ResponseInputItem[] = [{ role: "user", content: "What does src/app.ts export?" }];
  upstream.enqueue({ kind: "fixture", name: "reasoning-function-call" });
  const first = await runResponsesTurn(client, { model: "openai:gpt-6.1-terra", input, tools: [readFileTool], stream, extra });
  expect(upstream.requests.at(-1)!.path).toBe("/v1/responses");
  expect(upstream.requests.at(-1)!.body).toMatchObject({ reasoning: { effort: "medium" }, tools: [{ type: "function", name: "read_file", strict: false }], store: false });
  expect(first.response.output.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
  expect(first.response.output[0]).toMatchObject({ summary: [{ type: "summary_text", text: "**Reading the file**\n\nThe user wants src/app.ts." }] });
  expect(first.response.output[1]).toMatchObject({ call_id: "call_Tr7Kq2Lm9Vb4Nz8X", name: "read_file", arguments: '{"path":"src/app.ts"}' });
  expect(first.response.usage).toMatchObject({ input_tokens: 40, output_tokens: 9, output_tokens_details: { reasoning_tokens: 64 } });

  upstream.enqueue({ kind: "fixture", name: "text" });
  input.push(...(first.response.output as ResponseInputItem[]), { type: "function_call_output", call_id: "call_Tr7Kq2Lm9Vb4Nz8X", output: "export function createApp() {}" });
  const second = await runResponsesTurn(client, { model: "openai:gpt-6.1-terra", input, tools: [readFileTool], stream, extra });
  expect(outputText(second.response)).toBe("Hello! How can I help?");
  // OpenAI gets its own reasoning item back, verbatim, before the call and its output.
  expect((upstream.requests.at(-1)!.body as { input: unknown[] }).input).toEqual([
    { type: "message", role: "user", content: "What does src/app.ts export?" },
    {
      type: "reasoning",
      id: "rs_1b2c3d4e5f607182",
      summary: [{ type: "summary_text", text: "**Reading the file**\n\nThe user wants src/app.ts." }],
      encrypted_content: "gAAAAABpTerraEncryptedReasoningBlob0001==",
    },
    { type: "function_call", call_id: "call_Tr7Kq2Lm9Vb4Nz8X", name: "read_file", arguments: '{"path":"src/app.ts"}' },
    { type: "function_call_output", call_id: "call_Tr7Kq2Lm9Vb4Nz8X", output: "export function createApp() {}" },
  ]);
});

test("a chat-completions tool request to GPT-6.2 Sol is served through the Responses API; without tools it stays on chat", async () => {
  upstream.enqueue({ kind: "fixture", name: "reasoning-function-call" });
  const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }];
  const completion = await client.chat.completions.create({ model: "gpt-6.2-sol", messages: [{ role: "user", content: "Read src/app.ts" }], tools, temperature: 0.3 });
  expect(upstream.requests.at(-1)!.path).toBe("/v1/responses");
  // GPT-6.2 takes no sampling parameters, on either API.
  expect(upstream.requests.at(-1)!.body.temperature).toBeUndefined();
  expect(completion.choices[0]).toMatchObject({ finish_reason: "tool_calls", message: { tool_calls: [{ id: "call_Tr7Kq2Lm9Vb4Nz8X", function: { name: "read_file", arguments: '{"path":"src/app.ts"}' } }] } });

  await client.chat.completions.create({ model: "gpt-6.2-sol", messages: [{ role: "user", content: "Hi" }] });
  expect(upstream.requests.at(-1)!.path).toBe("/v1/chat/completions");
});
