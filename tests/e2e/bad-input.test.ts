import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { APIError } from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * What the OpenAI door does with bad input (a clear OpenAI-shaped error, trace headers, a log row)
 * and with the odd-but-valid input real clients send (accepted, and passed on sensibly).
 */
const MAX_BODY_BYTES = 4096;
const CLIENT_KEY = "sk-client-own-key-must-never-reach-upstream";
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
    OPENAI_BASE_URL: upstream.url,
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
  });
  client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const hello = [{ role: "user" as const, content: "Hello" }];

function post(body: string | ReadableStream<Uint8Array> | null, headers: Record<string, string> = { "content-type": "application/json" }, path = "/v1/chat/completions") {
  return fetch(`${proxy.origin}${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

interface ExpectedError {
  status: number;
  type: string;
  code: string | null;
  param?: string | null;
}

/** The response is an OpenAI error with exactly the four fields, the trace headers, and (when `logged`) a row. */
async function expectOpenAIError(response: Response, expected: ExpectedError, logged = true) {
  expect(response.status).toBe(expected.status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error).toMatchObject({ type: expected.type, code: expected.code });
  if (expected.param !== undefined) expect(body.error.param).toBe(expected.param);
  expect(typeof body.error.message).toBe("string");
  expect((body.error.message as string).length).toBeGreaterThan(10);

  const taskId = response.headers.get("x-task-id");
  expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers.get("x-provider")).toBe("none");
  expect(response.headers.get("x-model")).toBe("none");
  if (logged) {
    const row = await proxy.logRow(taskId!);
    expect(row).toMatchObject({ taskId, door: "openai", status: expected.status, errorType: expected.type, provider: null });
    expect(row!.errorMessage).toBe(body.error.message as string);
  }
  return body.error as { message: string; type: string; param: string | null; code: string | null };
}

/** Calls the SDK expecting it to fail; returns the APIError. */
async function sdkFailure(call: () => Promise<unknown>): Promise<APIError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(APIError);
    return error as APIError;
  }
  throw new Error("the call was expected to fail");
}

describe("rejected with a clear OpenAI error, trace headers and a log row", () => {
  test("invalid JSON", async () => {
    const error = await expectOpenAIError(await post('{"model": "gpt-4o-mini", "messages": ['), {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_json",
    });
    expect(error.message).toContain("not valid JSON");
  });

  test("temperature as a string, through the official client", async () => {
    const failure = await sdkFailure(() =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, temperature: "hot" as unknown as number }),
    );
    expect(failure.status).toBe(400);
    expect(failure.type).toBe("invalid_request_error");
    expect(failure.param).toBe("temperature");
    expect(failure.message).toContain("temperature");
    const taskId = failure.headers!.get("x-task-id")!;
    expect(await proxy.logRow(taskId)).toMatchObject({ status: 400, errorType: "invalid_request_error", requestedModel: "gpt-4o-mini" });
  });

  test("messages not an array", async () => {
    const error = await expectOpenAIError(await post(JSON.stringify({ model: "gpt-4o-mini", messages: "Hello" })), {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_request",
      param: "messages",
    });
    expect(error.message).toContain("array");
  });

  test("an unknown role names the message and the roles that exist", async () => {
    const error = await expectOpenAIError(
      await post(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }, { role: "bot", content: "Hello" }] })),
      { status: 400, type: "invalid_request_error", code: "invalid_request", param: "messages[1].role" },
    );
    expect(error.message).toContain("messages[1].role");
    expect(error.message).toContain("assistant");
  });

  test("missing messages", async () => {
    await expectOpenAIError(await post(JSON.stringify({ model: "gpt-4o-mini" })), {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_request",
      param: "messages",
    });
  });

  test("empty messages", async () => {
    const error = await expectOpenAIError(await post(JSON.stringify({ model: "gpt-4o-mini", messages: [] })), {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_request",
      param: "messages",
    });
    expect(error.message).toContain("at least one message");
  });

  test("missing model", async () => {
    await expectOpenAIError(await post(JSON.stringify({ messages: hello })), {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_request",
      param: "model",
    });
  });

  test("an unknown model is a 404 that lists the available models and suggests a close one", async () => {
    const failure = await sdkFailure(() => client.chat.completions.create({ model: "gpt-4o-mnii", messages: hello }));
    expect(failure.status).toBe(404);
    expect(failure.code).toBe("model_not_found");
    expect(failure.param).toBe("model");
    expect(failure.message).toContain("Did you mean 'gpt-4o-mini'");
    const available = failure.message.split("Available: ")[1]!.split(", ");
    expect(available).toContain("gpt-4o-mini");
    expect(available.length).toBeGreaterThan(3);
    expect(failure.headers!.get("x-provider")).toBe("none");
    const row = await proxy.logRow(failure.headers!.get("x-task-id")!);
    expect(row).toMatchObject({ status: 404, requestedModel: "gpt-4o-mnii", errorType: "invalid_request_error" });
    expect(upstream.requests.some((request) => request.body.model === "gpt-4o-mnii")).toBe(false);
  });

  test("a model name with a NUL character is a 400 naming the field, whose row is still logged", async () => {
    const failure = await sdkFailure(() => client.chat.completions.create({ model: "gpt\u0000-4o", messages: hello }));
    expect(failure.status).toBe(400);
    expect(failure.param).toBe("model");
    const row = await proxy.logRow(failure.headers!.get("x-task-id")!);
    expect(row).toMatchObject({ status: 400, requestedModel: "gpt-4o" });
  });

  test("a body over MAX_BODY_BYTES is a 413 naming the limit", async () => {
    const big = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(MAX_BODY_BYTES) }] });
    const error = await expectOpenAIError(await post(big), { status: 413, type: "invalid_request_error", code: "request_too_large" });
    expect(error.message).toContain(String(MAX_BODY_BYTES));
    expect(error.message).toContain("MAX_BODY_BYTES");
  });

  test("a chunked body over the limit, without content-length, is a 413 too", async () => {
    const piece = new TextEncoder().encode(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${"y".repeat(1024)}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 6; index++) controller.enqueue(piece);
        controller.close();
      },
    });
    const response = await post(body);
    await expectOpenAIError(response, { status: 413, type: "invalid_request_error", code: "request_too_large" });
  });

  test("a body just under the limit passes", async () => {
    const shell = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "" }] });
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "z".repeat(MAX_BODY_BYTES - shell.length - 8) }] });
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    const response = await post(body);
    expect(response.status).toBe(200);
  });

  test("a non-JSON content type", async () => {
    const error = await expectOpenAIError(await post(JSON.stringify({ model: "gpt-4o-mini", messages: hello }), { "content-type": "text/plain" }), {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_content_type",
    });
    expect(error.message).toContain("application/json");
  });

  test("an unknown route is a 404 in the OpenAI shape", async () => {
    const response = await fetch(`${proxy.origin}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const error = await expectOpenAIError(response, { status: 404, type: "not_found_error", code: "unknown_route" });
    expect(error.message).toContain("/v1/embeddings");
  });

  test("a wrong method is a 405 with an Allow header", async () => {
    const get = await fetch(`${proxy.origin}/v1/chat/completions`);
    expect(get.headers.get("allow")).toBe("POST");
    await expectOpenAIError(get, { status: 405, type: "invalid_request_error", code: "method_not_allowed" });

    const postModels = await post("{}", { "content-type": "application/json" }, "/v1/models");
    expect(postModels.headers.get("allow")).toBe("GET");
    await expectOpenAIError(postModels, { status: 405, type: "invalid_request_error", code: "method_not_allowed" });
  });
});

describe("tolerated: what real clients send is accepted, never a 400", () => {
  /** Sends through the official client and returns the body the upstream received. */
  async function upstreamBodyFor(request: Record<string, unknown>, options?: OpenAI.RequestOptions) {
    const before = upstream.requests.length;
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", ...request } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, options)
      .withResponse();
    expect(response.status).toBe(200);
    expect(upstream.requests.length).toBe(before + 1);
    return upstream.requests.at(-1)!;
  }

  test("content as a string and as an array of parts reaches the upstream as sent", async () => {
    const parts = [
      { type: "text", text: "What is in this image?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
    ];
    const sent = await upstreamBodyFor({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: parts }] });
    expect(sent.body.messages).toEqual([{ role: "system", content: "Be brief." }, { role: "user", content: parts }]);
  });

  test("assistant turns that only carry tool_calls, with content null, \"\" or [], then tool results", async () => {
    const call = (id: string) => ({ id, type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } });
    const messages = [
      { role: "developer", content: "You are a coding agent." },
      { role: "user", content: "Read a.ts three times" },
      { role: "assistant", content: null, tool_calls: [call("call_1")] },
      { role: "tool", tool_call_id: "call_1", content: "export const a = 1;" },
      { role: "assistant", content: "", tool_calls: [call("call_2")] },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "export const a = 1;" }] },
      { role: "assistant", content: [], tool_calls: [call("call_3")] },
      { role: "tool", tool_call_id: "call_3", content: "export const a = 1;" },
    ];
    const sent = await upstreamBodyFor({ messages });
    const forwarded = sent.body.messages as Array<Record<string, unknown>>;
    expect(forwarded.map((message) => message.role)).toEqual(["developer", "user", "assistant", "tool", "assistant", "tool", "assistant", "tool"]);
    expect(forwarded.filter((message) => message.role === "assistant").map((message) => (message.tool_calls as Array<{ id: string }>)[0]!.id)).toEqual([
      "call_1",
      "call_2",
      "call_3",
    ]);
    expect(forwarded[3]).toEqual(messages[3]!);
    // OpenAI rejects an empty content array ("expected an array with minimum length 1"): a tool-call-only turn goes out as null.
    expect(forwarded[6]!.content).toBeNull();
  });

  test("an assistant turn with an empty tool_calls list does not send the empty list on", async () => {
    const sent = await upstreamBodyFor({
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello", tool_calls: [] },
        { role: "user", content: "Again" },
      ],
    });
    const assistant = (sent.body.messages as Array<Record<string, unknown>>)[1]!;
    expect(assistant.content).toBe("Hello");
    expect(assistant.tool_calls).toBeUndefined();
  });

  test("vendor fields: metadata is dropped for OpenAI, user and unknown fields pass through", async () => {
    const sent = await upstreamBodyFor({
      messages: hello,
      user: "user-42",
      metadata: { session: "abc" },
      prompt_cache_key: "repo-main",
      some_future_field: { nested: true },
    });
    expect(sent.body.metadata).toBeUndefined();
    expect(sent.body.user).toBe("user-42");
    expect(sent.body.prompt_cache_key).toBe("repo-main");
    expect(sent.body.some_future_field).toEqual({ nested: true });
  });

  test("metadata is kept when the client asks to store the completion", async () => {
    const sent = await upstreamBodyFor({ messages: hello, store: true, metadata: { session: "abc" } });
    expect(sent.body.metadata).toEqual({ session: "abc" });
    expect(sent.body.store).toBe(true);
  });

  test("OpenRouter-style headers are accepted; the client's Authorization never reaches the upstream", async () => {
    const sent = await upstreamBodyFor({ messages: hello }, { headers: { "HTTP-Referer": "https://cline.bot", "X-Title": "Cline" } });
    expect(sent.headers.authorization).toBe("Bearer sk-test-upstream-key-1234567890");
    for (const value of Object.values(sent.headers)) expect(value).not.toContain(CLIENT_KEY);
  });

  test("a raw request with no Authorization header at all is served", async () => {
    const response = await post(JSON.stringify({ model: "gpt-4o-mini", messages: hello }));
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  });
});
