import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Input that would cost the proxy (or the upstream) more than it is worth is refused before any
 * work that grows with it: a 400 in the OpenAI shape naming the field, logged once, the upstream
 * never called. What real clients send still passes.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-upstream-key-1234567890", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const hello = [{ role: "user", content: "Hello" }];

function post(body: string | Uint8Array) {
  return fetch(`${proxy.origin}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
}

/** A 400 in the OpenAI shape with this code and param, logged as refused, and no upstream call. */
async function expectRefused(response: Response, expected: { code: string; param: string | null }) {
  const before = upstream.requests.length;
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { message: string; type: string; param: string | null; code: string } };
  expect(body.error).toMatchObject({ type: "invalid_request_error", code: expected.code, param: expected.param });
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ status: 400, errorType: "invalid_request_error", provider: null });
  expect(row!.errorMessage).toBe(body.error.message);
  expect(upstream.requests.length).toBe(before);
  return body.error;
}

/** `levels` nested arrays: [[[…]]]. */
const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

describe("nesting is bounded before anything recursive runs", () => {
  test("100,000 levels in a tool's parameters: a 400 naming where, not a 500 from a stack overflow", async () => {
    const body = `{"model":"gpt-4o-mini","messages":${JSON.stringify(hello)},"tools":[{"type":"function","function":{"name":"f","parameters":{"a":${nested(100_000)}}}}]}`;
    const error = await expectRefused(await post(body), { code: "nesting_too_deep", param: "tools[0].function.parameters.a[0][0][0]…" });
    expect(error.message).toContain("deeper than 128 levels");
  });

  test("100,000 levels in an unknown field", async () => {
    const body = `{"model":"gpt-4o-mini","messages":${JSON.stringify(hello)},"x_vendor":${nested(100_000)}}`;
    await expectRefused(await post(body), { code: "nesting_too_deep", param: "x_vendor[0][0][0][0][0][0][0]…" });
  });

  test("brackets inside strings do not count, and a deep but sane schema passes to the upstream", async () => {
    let schema: Record<string, unknown> = { type: "string", description: "[[[[{{{{ \" [[[" };
    for (let level = 0; level < 40; level++) schema = { type: "object", properties: { inner: schema } };
    const response = await post(JSON.stringify({ model: "gpt-4o-mini", messages: hello, tools: [{ type: "function", function: { name: "f", parameters: schema } }] }));
    expect(response.status).toBe(200);
    expect(JSON.stringify(upstream.requests.at(-1)!.body.tools)).toContain("[[[[{{{{");
  });
});

describe("what the upstream would reject anyway is refused before a call", () => {
  test("bytes that are not UTF-8 (Bun would replace them silently)", async () => {
    const encoder = new TextEncoder();
    const body = new Uint8Array([...encoder.encode('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"caf'), 0xc3, 0x28, ...encoder.encode('"}]}')]);
    const error = await expectRefused(await post(body), { code: "invalid_utf8", param: null });
    expect(error.message).toContain("UTF-8");
  });

  test("a user message without content, or with an empty list of parts", async () => {
    for (const message of [{ role: "user" }, { role: "user", content: null }, { role: "user", content: [] }]) {
      await expectRefused(await post(JSON.stringify({ model: "gpt-4o-mini", messages: [message] })), { code: "invalid_request", param: "messages[0].content" });
    }
  });

  test("a system message without content, and a tool result without content", async () => {
    await expectRefused(await post(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system" }, ...hello] })), { code: "invalid_request", param: "messages[0].content" });
    const call = { id: "call_1", type: "function", function: { name: "f", arguments: "{}" } };
    const messages = [...hello, { role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: "call_1" }];
    await expectRefused(await post(JSON.stringify({ model: "gpt-4o-mini", messages })), { code: "invalid_request", param: "messages[2].content" });
  });

  test("a tool result without tool_call_id, and an empty messages list", async () => {
    await expectRefused(await post(JSON.stringify({ model: "gpt-4o-mini", messages: [...hello, { role: "tool", content: "ok" }] })), {
      code: "invalid_request",
      param: "messages[1].tool_call_id",
    });
    await expectRefused(await post(JSON.stringify({ model: "gpt-4o-mini", messages: [] })), { code: "invalid_request", param: "messages" });
  });

  test("a provider-prefixed model name of 300,000 characters is not forwarded", async () => {
    const error = await expectRefused(await post(JSON.stringify({ model: `openai:${"x".repeat(300_000)}`, messages: hello })), { code: "invalid_request", param: "model" });
    expect(error.message).toContain("at most 256 characters");
    expect(error.message.length).toBeLessThan(400);
  });

  test("a NUL in a provider-prefixed model name is refused before the upstream is called (it was a 500 after)", async () => {
    const error = await expectRefused(await post(JSON.stringify({ model: "openai:gpt-4o\u0000-mini", messages: hello })), { code: "invalid_request", param: "model" });
    expect(error.message).toContain("control characters");
  });
});

describe("what real clients send still passes", () => {
  test("Kilo's assistant content [], Qwen Code's tool results as parts, an empty tool result", async () => {
    const call = (id: string) => ({ id, type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } });
    const messages = [
      ...hello,
      { role: "assistant", content: [], tool_calls: [call("call_1")] },
      { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "export const a = 1;" }] },
      { role: "assistant", content: "", tool_calls: [call("call_2")] },
      { role: "tool", tool_call_id: "call_2", content: "" },
    ];
    expect((await post(JSON.stringify({ model: "gpt-4o-mini", messages }))).status).toBe(200);
  });

  test("Cline 3 tool schemas with $schema, anyOf with null and exclusiveMinimum", async () => {
    const parameters = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        path: { type: "string" },
        limit: { anyOf: [{ type: "integer", exclusiveMinimum: 0 }, { type: "null" }] },
      },
      required: ["path"],
      additionalProperties: false,
    };
    const response = await post(JSON.stringify({ model: "gpt-4o-mini", messages: hello, tools: [{ type: "function", function: { name: "read_file", parameters } }] }));
    expect(response.status).toBe(200);
  });

  test("a model name of exactly 256 characters is looked up (an unknown one is a 404, not a 400)", async () => {
    const response = await post(JSON.stringify({ model: "m".repeat(256), messages: hello }));
    expect(response.status).toBe(404);
  });
});
