import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI, { APIError } from "openai";
import { type MockOpenAIUpstream, readFixtureLines, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * An OpenAI-compatible upstream whose stream ends cleanly at the HTTP level (the body is complete)
 * but before the answer is (no finish reason, no `data: [DONE]`; on the Responses API no
 * response.completed): a load balancer's timeout or a crashed worker behind a gateway. The answer is
 * cut short: the client must be told so in its wire format, as for a cut connection, and the row
 * must be a failure — not a 200 with a silently short answer (the Anthropic and Gemini providers
 * already report theirs: truncated_upstream_stream, incomplete_upstream_stream).
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-clean-close", OPENAI_BASE_URL: upstream.url, CONSECUTIVE_FAILURE_LIMIT: "1000" });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

// The role chunk and two content chunks ("Hello", "!"), then the body ends.
const firstLines = () => readFixtureLines("text-with-usage").slice(0, 3);

test("chat door: the stream ends with an OpenAI error event and the row is a failure", async () => {
  upstream.enqueue({ kind: "lines", lines: firstLines() });
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true }).withResponse();
  let text = "";
  let failure: unknown;
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  } catch (error) {
    failure = error;
  }
  expect(text).toBe("Hello!");
  expect(failure).toBeInstanceOf(APIError);
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ status: 502, errorType: "upstream_error", stream: true });
});

test("Anthropic door: the stream ends with an error event, not end_turn", async () => {
  upstream.enqueue({ kind: "lines", lines: firstLines() });
  const client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  const stream = client.messages.stream({ model: "gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: "Hello" }] });
  let failure: unknown;
  let stopReason: string | null | undefined;
  try {
    stopReason = (await stream.finalMessage()).stop_reason;
  } catch (error) {
    failure = error;
  }
  expect(stopReason).toBeUndefined();
  expect(failure).toBeInstanceOf(Anthropic.APIError);
});

test("Responses API upstream: a stream that ends before response.completed is an error, not a completed answer", async () => {
  const lines = readFixtureLines("text", `${import.meta.dir}/../fixtures/openai-responses`).slice(0, 6);
  upstream.enqueue({ kind: "lines", lines });
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }];
  const { data: stream, response } = await client.chat.completions.create({ model: "gpt-6.2-sol", messages: [{ role: "user", content: "Hello" }], tools, stream: true }).withResponse();
  let failure: unknown;
  try {
    for await (const _ of stream);
  } catch (error) {
    failure = error;
  }
  expect(upstream.requests.at(-1)!.path).toBe("/v1/responses");
  expect(failure).toBeInstanceOf(APIError);
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ status: 502, errorType: "upstream_error" });
});

test("a body with no event at all is still the 502 empty_stream (a fallback case), not a cut answer", async () => {
  upstream.enqueue({ kind: "lines", lines: [] });
  const response = await fetch(`${proxy.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true }),
  });
  expect(response.status).toBe(502);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe("empty_stream");
});

test("an upstream that ends with data: [DONE] but sends no finish reason (some OpenAI-compatible servers) is a complete answer", async () => {
  upstream.enqueue({ kind: "lines", lines: [...firstLines(), "[DONE]"] });
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true }).withResponse();
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  expect(text).toBe("Hello!");
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ status: 200, stream: true });
});
