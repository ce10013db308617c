import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * Bad input at the Anthropic door: malformed JSON, wrong types, unknown block types, blocks in the
 * wrong turn, sources the proxy cannot pass on, bodies over the limit, wrong methods and paths.
 * Each gets a 4xx in Anthropic's shape (`{"type": "error", "error": {type, message}}`, nothing else)
 * with the trace headers, is logged exactly once under the door, and the proxy keeps serving.
 */
const MAX_BODY_BYTES = 8192;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-door-bad-input-0000", OPENAI_BASE_URL: upstream.url, MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const headers = { "content-type": "application/json", "x-api-key": "any", "anthropic-version": "2023-06-01" };
const valid: Anthropic.MessageCreateParamsNonStreaming = { model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hello" }] };

function send(body: string, options: { path?: string; method?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${proxy.origin}${options.path ?? "/v1/messages"}`, { method: options.method ?? "POST", headers: options.headers ?? headers, body: options.method === "GET" ? undefined : body });
}

interface Expected {
  status: number;
  type: string;
  /** Text the message must hold (the field or block it names). */
  mentions?: string;
}

/** An Anthropic error with exactly its fields, the trace headers, and one log row under the door. */
async function expectRejected(response: Response, expected: Expected) {
  expect(response.status).toBe(expected.status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  expect(Object.keys(body).sort()).toEqual(["error", "type"]);
  expect(Object.keys(body.error).sort()).toEqual(["message", "type"]);
  expect(body).toMatchObject({ type: "error", error: { type: expected.type } });
  if (expected.mentions) expect(body.error.message).toContain(expected.mentions);
  const taskId = response.headers.get("x-task-id")!;
  expect(response.headers.get("x-provider")).toBe("none");
  await waitFor(() => proxy.records.count(taskId) > 0, { what: `a log record for ${taskId}` });
  await proxy.proxy.logWriter.flush();
  expect(proxy.records.count(taskId)).toBe(1);
  expect(await proxy.logRow(taskId)).toMatchObject({ door: "anthropic", status: expected.status, provider: null });
  return body.error;
}

const withMessages = (messages: unknown) => JSON.stringify({ ...valid, messages });

/** A thinking or redacted_thinking block with a cache mark, in a short conversation and in a long one (the door's own block builder: known-messages.ts). */
function markedThinking(): Array<[string, string, Expected]> {
  const mark = { cache_control: { type: "ephemeral" } };
  const blocks = { thinking: { type: "thinking", thinking: "Let me see.", signature: "c2lnbmVk", ...mark }, redacted_thinking: { type: "redacted_thinking", data: "ZW5jcnlwdGVk", ...mark } };
  const cases: Array<[string, string, Expected]> = [];
  for (const [type, block] of Object.entries(blocks)) {
    const answer = { role: "assistant", content: [block, { type: "text", text: "Done." }] };
    const short = [{ role: "user", content: "Hello" }, answer, { role: "user", content: "Next" }];
    const long = [...short, { role: "assistant", content: "Ok." }, { role: "user", content: "And then?" }];
    for (const [size, messages] of [["short", short], ["long", long]] as const) {
      cases.push([`a ${type} block with cache_control (${size})`, withMessages(messages), { status: 400, type: "invalid_request_error", mentions: "messages[1].content[0].cache_control: Extra inputs are not permitted" }]);
    }
  }
  return cases;
}

describe("rejected in Anthropic's shape, logged once", () => {
  test.each([
    ["malformed JSON", '{"model": "claude-haiku-4-5", "messages": [', { status: 400, type: "invalid_request_error", mentions: "not valid JSON" }],
    ["an empty body", "", { status: 400, type: "invalid_request_error" }],
    ["max_tokens as a string", JSON.stringify({ ...valid, max_tokens: "ten" }), { status: 400, type: "invalid_request_error", mentions: "max_tokens" }],
    ["no max_tokens", JSON.stringify({ model: valid.model, messages: valid.messages }), { status: 400, type: "invalid_request_error", mentions: "max_tokens" }],
    ["messages not a list", withMessages("Hello"), { status: 400, type: "invalid_request_error", mentions: "messages" }],
    ["an unknown role", withMessages([{ role: "bot", content: "Hi" }]), { status: 400, type: "invalid_request_error", mentions: "messages[0].role" }],
    ["content as a number", withMessages([{ role: "user", content: 5 }]), { status: 400, type: "invalid_request_error", mentions: "messages[0].content" }],
    ["an unknown block type", withMessages([{ role: "user", content: [{ type: "video", url: "https://example.com/v.mp4" }] }]), { status: 400, type: "invalid_request_error", mentions: "messages[0].content[0].type" }],
    ["a text block without text", withMessages([{ role: "user", content: [{ type: "text" }] }]), { status: 400, type: "invalid_request_error", mentions: "messages[0].content[0].text" }],
    ["a tool_use block from the user", withMessages([{ role: "user", content: [{ type: "tool_use", id: "toolu_1", name: "Read", input: {} }] }]), { status: 400, type: "invalid_request_error", mentions: "assistant messages" }],
    ["an image by file id", withMessages([{ role: "user", content: [{ type: "image", source: { type: "file", file_id: "file_011" } }] }]), { status: 400, type: "invalid_request_error", mentions: "file_id" }],
    ["temperature above 1", JSON.stringify({ ...valid, temperature: 1.5 }), { status: 400, type: "invalid_request_error", mentions: "temperature" }],
    ["a tool without input_schema", JSON.stringify({ ...valid, tools: [{ name: "Read" }] }), { status: 400, type: "invalid_request_error", mentions: "tools[0]" }],
    ["thinking with a bad type", JSON.stringify({ ...valid, thinking: { type: "sometimes" } }), { status: 400, type: "invalid_request_error", mentions: "thinking" }],
    // Anthropic's API refuses a cache mark on a thinking block ("messages.1.content.0.thinking.cache_control: Extra inputs are not permitted"): the proxy must not drop it silently.
    ...markedThinking(),
  ])("%s", async (_name, body, expected) => {
    await expectRejected(await send(body), expected);
  });

  test("a body without the JSON content type", async () => {
    await expectRejected(await send(JSON.stringify(valid), { headers: { "content-type": "text/plain" } }), { status: 400, type: "invalid_request_error", mentions: "application/json" });
  });

  test("a body over MAX_BODY_BYTES is request_too_large", async () => {
    const huge = withMessages([{ role: "user", content: "x".repeat(MAX_BODY_BYTES * 4) }]);
    await expectRejected(await send(huge), { status: 413, type: "request_too_large", mentions: "MAX_BODY_BYTES" });
  });

  test("count_tokens checks its body the same way", async () => {
    await expectRejected(await send(JSON.stringify({ model: "claude-haiku-4-5", messages: "Hi" }), { path: "/v1/messages/count_tokens" }), { status: 400, type: "invalid_request_error", mentions: "messages" });
  });

  test("a wrong method and an unknown path on the door's ground", async () => {
    const wrongMethod = await send("", { method: "GET" });
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    await expectRejected(wrongMethod, { status: 405, type: "invalid_request_error" });
    await expectRejected(await send(JSON.stringify(valid), { path: "/v1/messages/batches" }), { status: 404, type: "not_found_error", mentions: "/v1/messages/batches" });
  });

  test("through the SDK: a wrong type is an APIError with Anthropic's status and type", async () => {
    const client = new Anthropic({ apiKey: "any", baseURL: proxy.origin, maxRetries: 0 });
    const failure = await client.messages.create({ ...valid, max_tokens: -1 } as Anthropic.MessageCreateParamsNonStreaming).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(400);
    expect((failure as APIError).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

test("after all of that the proxy keeps serving, and nothing reached the upstream", async () => {
  const before = upstream.requests.length;
  const client = new Anthropic({ apiKey: "any", baseURL: proxy.origin, maxRetries: 0 });
  const message = await client.messages.create(valid);
  expect(message.content[0]).toMatchObject({ type: "text" });
  expect(upstream.requests.length).toBe(before + 1);
});
