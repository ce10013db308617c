import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type ProxyWithUpstream, startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import { sdkFailure } from "../helpers/sdk-failure";

/**
 * What the OpenAI door does with bad input: a clear OpenAI-shaped error, trace headers, a log row.
 * The odd-but-valid input real clients send: tolerated-input.test.ts.
 */
const MAX_BODY_BYTES = 4096;
let door: ProxyWithUpstream<MockOpenAIUpstream>;

beforeAll(async () => {
  door = await startOpenAIDoorProxy({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
});

afterAll(async () => {
  await door?.close();
});

const hello = [{ role: "user" as const, content: "Hello" }];

function post(body: string | ReadableStream<Uint8Array> | null, headers: Record<string, string> = { "content-type": "application/json" }, path = "/v1/chat/completions") {
  return fetch(`${door.proxy.origin}${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit);
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
    const row = await door.proxy.logRow(taskId!);
    expect(row).toMatchObject({ taskId, door: "openai", status: expected.status, errorType: expected.type, provider: null });
    expect(row!.errorMessage).toBe(body.error.message as string);
  }
  return body.error as { message: string; type: string; param: string | null; code: string | null };
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
      door.client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, temperature: "hot" as unknown as number }),
    );
    expect(failure.status).toBe(400);
    expect(failure.type).toBe("invalid_request_error");
    expect(failure.param).toBe("temperature");
    expect(failure.message).toContain("temperature");
    const taskId = failure.headers!.get("x-task-id")!;
    expect(await door.proxy.logRow(taskId)).toMatchObject({ status: 400, errorType: "invalid_request_error", requestedModel: "gpt-4o-mini" });
  });

  test("a refused stream request is logged as a stream", async () => {
    const failure = await sdkFailure(() =>
      door.client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true, temperature: "hot" as unknown as number }),
    );
    expect(failure.status).toBe(400);
    expect(await door.proxy.logRow(failure.headers!.get("x-task-id")!)).toMatchObject({ status: 400, stream: true, requestedModel: "gpt-4o-mini" });
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
    const failure = await sdkFailure(() => door.client.chat.completions.create({ model: "gpt-4o-mnii", messages: hello }));
    expect(failure.status).toBe(404);
    expect(failure.code).toBe("model_not_found");
    expect(failure.param).toBe("model");
    expect(failure.message).toContain("Did you mean 'gpt-4o-mini'");
    const available = failure.message.split("Available: ")[1]!.split(", ");
    expect(available).toContain("gpt-4o-mini");
    expect(available.length).toBeGreaterThan(3);
    expect(failure.headers!.get("x-provider")).toBe("none");
    const row = await door.proxy.logRow(failure.headers!.get("x-task-id")!);
    expect(row).toMatchObject({ status: 404, requestedModel: "gpt-4o-mnii", errorType: "invalid_request_error" });
    expect(door.upstream.requests.some((request) => request.body.model === "gpt-4o-mnii")).toBe(false);
  });

  test("a model name with a NUL character is a 400 naming the field, whose row is still logged", async () => {
    const failure = await sdkFailure(() => door.client.chat.completions.create({ model: "gpt\u0000-4o", messages: hello }));
    expect(failure.status).toBe(400);
    expect(failure.param).toBe("model");
    const row = await door.proxy.logRow(failure.headers!.get("x-task-id")!);
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
    const response = await fetch(`${door.proxy.origin}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const error = await expectOpenAIError(response, { status: 404, type: "not_found_error", code: "unknown_route" });
    expect(error.message).toContain("/v1/embeddings");
  });

  test("a wrong method is a 405 with an Allow header", async () => {
    const get = await fetch(`${door.proxy.origin}/v1/chat/completions`);
    expect(get.headers.get("allow")).toBe("POST");
    await expectOpenAIError(get, { status: 405, type: "invalid_request_error", code: "method_not_allowed" });

    const postModels = await post("{}", { "content-type": "application/json" }, "/v1/models");
    expect(postModels.headers.get("allow")).toBe("GET");
    await expectOpenAIError(postModels, { status: 405, type: "invalid_request_error", code: "method_not_allowed" });
  });

  test("an unknown tool_choice says what it may be", async () => {
    const response = await post(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], tool_choice: "always" }), { "content-type": "application/json" });
    const error = await expectOpenAIError(response, { status: 400, type: "invalid_request_error", code: "invalid_request", param: "tool_choice" });
    expect(error.message).toContain('"none", "auto", "required"');
  });

  test("a wrong method on the stats API is a 405 too, not an unknown route", async () => {
    for (const path of ["/api/stats", "/api/requests"]) {
      const response = await post("{}", { "content-type": "application/json" }, path);
      expect(response.headers.get("allow")).toBe("GET");
      // Not a model request: no request-log row, as for an unknown route.
      await expectOpenAIError(response, { status: 405, type: "invalid_request_error", code: "method_not_allowed" }, false);
    }
  });

  test("a wrong method on the dashboard's pages and static files is a 405 naming what they take, not an unknown /v1 route", async () => {
    const cases: Array<[string, string, string]> = [
      ["POST", "/", "GET"],
      ["POST", "/dashboard", "GET"],
      ["DELETE", "/dashboard/requests", "GET"],
      ["PUT", "/dashboard/budgets", "GET, POST"],
      ["POST", "/static/htmx.min.js", "GET"],
      ["PATCH", "/static/anything", "GET"],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${door.proxy.origin}${path}`, { method, headers: { "content-type": "application/json" }, body: "{}" });
      expect({ path, method, allow: response.headers.get("allow") }).toEqual({ path, method, allow });
      // The dashboard's security headers, as on its other answers.
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      const body = (await response.clone().json()) as { error: { message: string } };
      expect(body.error.message).toBe(`Method ${method} is not allowed on ${path}; use ${allow}.`);
      await expectOpenAIError(response, { status: 405, type: "invalid_request_error", code: "method_not_allowed" }, false);
    }
    // A method they take on a file that is not there is still the 404.
    expect((await fetch(`${door.proxy.origin}/static/missing.js`)).status).toBe(404);
  });
});
