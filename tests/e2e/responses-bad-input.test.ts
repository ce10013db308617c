import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Bad input at the Responses door: each is a 4xx in OpenAI's error shape with the trace headers,
 * logged exactly once as the door's request, nothing reaches the upstream, and the process goes on
 * serving.
 */
const MAX_BODY_BYTES = 8192;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-responses-bad-input-1234", OPENAI_BASE_URL: upstream.url, MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(`${proxy.origin}/v1/responses`, { method: "POST", headers, body });
const json = (body: Record<string, unknown>) => post(JSON.stringify({ model: "gpt-4o-mini", ...body }));

interface Case {
  name: string;
  send: () => Promise<Response>;
  status: number;
  code: string | null;
  param?: string;
  /** Words the message must contain. */
  says?: string;
}

const cases: Case[] = [
  { name: "malformed JSON", send: () => post('{"model": "gpt-4o-mini", "input": ['), status: 400, code: "invalid_json", says: "not valid JSON" },
  { name: "not JSON at all", send: () => post("model=gpt-4o-mini", { "content-type": "text/plain" }), status: 400, code: "invalid_content_type" },
  { name: "input as a number", send: () => json({ input: 42 }), status: 400, code: "invalid_request", param: "input" },
  { name: "empty input", send: () => json({ input: [] }), status: 400, code: "invalid_request", param: "input", says: "at least one item" },
  { name: "missing model", send: () => post(JSON.stringify({ input: "Hi" })), status: 400, code: "invalid_request", param: "model" },
  { name: "max_output_tokens as a string", send: () => json({ input: "Hi", max_output_tokens: "lots" }), status: 400, code: "invalid_request", param: "max_output_tokens" },
  { name: "tools not an array", send: () => json({ input: "Hi", tools: { type: "function" } }), status: 400, code: "invalid_request", param: "tools" },
  { name: "an unknown reasoning effort", send: () => json({ input: "Hi", reasoning: { effort: "extreme" } }), status: 400, code: "invalid_request", param: "reasoning.effort" },
  { name: "a json_schema format without a schema", send: () => json({ input: "Hi", text: { format: { type: "json_schema", name: "x" } } }), status: 400, code: "invalid_request", param: "text.format.schema" },
  { name: "an unknown input item type", send: () => json({ input: [{ type: "computer_call_output", call_id: "c1" }] }), status: 400, code: "unsupported_item", param: "input[0].type", says: "message, function_call" },
  { name: "an unknown content part", send: () => json({ input: [{ role: "user", content: [{ type: "input_video" }] }] }), status: 400, code: "unsupported_content", param: "input[0].content[0].type", says: "input_text, input_image" },
  { name: "an unknown tool_choice", send: () => json({ input: "Hi", tool_choice: "always" }), status: 400, code: "invalid_request", param: "tool_choice", says: '"none", "auto", "required"' },
  { name: "a message with an unknown role", send: () => json({ input: [{ role: "robot", content: "Hi" }] }), status: 400, code: null, param: "input[0].role" },
  { name: "a function_call without call_id", send: () => json({ input: [{ type: "function_call", name: "f", arguments: "{}" }] }), status: 400, code: null, param: "input[0].call_id" },
  { name: "previous_response_id", send: () => json({ input: "Hi", previous_response_id: "resp_1" }), status: 400, code: "unsupported_parameter", param: "previous_response_id" },
  { name: "a forced hosted tool", send: () => json({ input: "Hi", tools: [{ type: "file_search" }], tool_choice: { type: "file_search" } }), status: 400, code: "unsupported_tool" },
  {
    name: "a body over MAX_BODY_BYTES",
    send: () => json({ input: "x".repeat(MAX_BODY_BYTES) }),
    status: 413,
    code: "request_too_large",
    says: "MAX_BODY_BYTES",
  },
  { name: "GET on /v1/responses", send: () => fetch(`${proxy.origin}/v1/responses`), status: 405, code: "method_not_allowed" },
  { name: "retrieving a stored response", send: () => fetch(`${proxy.origin}/v1/responses/resp_123`), status: 404, code: "unknown_route" },
];

test.each(cases)("$name → $status in OpenAI's shape, logged once", async (entry) => {
  const before = upstream.requests.length;
  const response = await entry.send();
  expect(response.status).toBe(entry.status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error.code).toBe(entry.code);
  if (entry.param !== undefined) expect(body.error.param).toBe(entry.param);
  if (entry.says) expect(String(body.error.message)).toContain(entry.says);
  expect(upstream.requests.length).toBe(before);

  const taskId = response.headers.get("x-task-id")!;
  expect(response.headers.get("x-provider")).toBe("none");
  expect(proxy.records.count(taskId)).toBe(1);
  const row = await proxy.logRow(taskId);
  expect(row).toMatchObject({ door: "responses", status: entry.status, provider: null });
  expect(row!.errorMessage).toBe(String(body.error.message));
});

test("after all of that the process still serves, through the official client", async () => {
  const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  const response = await client.responses.create({ model: "gpt-4o-mini", input: "Hello" });
  expect(response.output_text).toBe("Hello from the mock upstream.");
});
