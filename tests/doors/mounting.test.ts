import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import { createApp } from "../../src/app";
import type { ChatRequest } from "../../src/chat/request-schema";
import { loadConfig } from "../../src/config";
import type { RequestLogRow } from "../../src/db/schema";
import type { Door } from "../../src/doors/door";
import { createDoorApp } from "../../src/doors/door-app";
import { doorForPath } from "../../src/doors/door-paths";
import { requireJsonContentType, validateJsonBody } from "../../src/doors/json-body";
import { openaiDoor } from "../../src/doors/openai/openai-door";
import type { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { createContext } from "../../src/pipeline/create-context";
import type { ResponseEncoder } from "../../src/pipeline/response-encoder";
import { runPipeline } from "../../src/pipeline/run-pipeline";
import { type Proxy, buildProxy } from "../../src/server";
import { encodeSseData } from "../../src/streams/sse-encoder";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";

/**
 * A door is one folder and one entry in the list: a second door with its own wire format and
 * error shape (shaped like Anthropic's) is mounted beside the OpenAI one, and everything on its
 * ground — its answers, bad JSON, a failed schema, a body too large, a wrong method, an unknown
 * path — comes back in its shape and is logged as its request, while the rest of /v1/ stays OpenAI's.
 */
function echoErrorResponse(error: ProxyError, headers: Headers = new Headers()): Response {
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ type: "error", error: { type: error.type, message: error.message } }), { status: error.status, headers });
}

const echoEncoder: ResponseEncoder = {
  completion: (completion, headers) => Response.json({ text: completion.choices[0]?.message.content }, { headers }),
  stream: (chunks, headers) =>
    new Response(chunks.pipeThrough(new TransformStream({ transform: (chunk, controller) => controller.enqueue(encodeSseData({ text: chunk.choices[0]?.delta.content ?? "" })) })), { headers }),
  error: echoErrorResponse,
};

const echoBody = z.object({ model: z.string(), text: z.string().min(1) });

const echoDoor: Door = {
  name: "echo",
  endpoints: [
    { method: "POST", path: "/v1/echo/say" },
    { method: "DELETE", path: "/v1/echo/say" },
  ],
  prefixes: ["/v1/echo"],
  errorResponse: echoErrorResponse,
  routes(deps) {
    const routes = createDoorApp(echoDoor, deps);
    routes.post("/v1/echo/say", requireJsonContentType(echoDoor, deps), validateJsonBody(echoDoor, deps, echoBody), (c) => {
      const body = c.req.valid("json");
      // The translation onto the internal shape, as a real door does.
      const request = { model: body.model, messages: [{ role: "user", content: body.text }] } as ChatRequest;
      return runPipeline(createContext({ door: echoDoor.name, request, http: c.req.raw }), echoEncoder, deps);
    });
    routes.delete("/v1/echo/say", (c) => c.body(null, 204));
    return routes;
  },
};

const MAX_BODY_BYTES = 2048;
let upstream: MockOpenAIUpstream;
let proxy: Proxy;
let app: ReturnType<typeof createApp>;
const rows: RequestLogRow[] = [];

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const config = loadConfig({ OPENAI_API_KEY: "sk-test-door-mounting-000000000", OPENAI_BASE_URL: upstream.url, OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", CACHE_ENABLED: "false" });
  proxy = await buildProxy(config, silentLogger, { database: await sharedTestDatabase() });
  const pipeline = { ...proxy.pipeline, logSink: { record: (row: RequestLogRow) => void rows.push(row), status: () => proxy.logWriter.status() } };
  app = createApp({ pipeline, maxBodyBytes: MAX_BODY_BYTES, database: "test", doors: [openaiDoor, echoDoor] });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const post = (path: string, body: string, contentType = "application/json") => app.request(path, { method: "POST", headers: { "content-type": contentType }, body });

/** Expects the echo door's error shape, trace headers, and exactly one log row as the echo door's. */
async function expectEchoError(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  expect(body).toMatchObject({ type: "error", error: { type } });
  const taskId = response.headers.get("x-task-id")!;
  expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers.get("x-provider")).toBe("none");
  const logged = rows.filter((row) => row.taskId === taskId);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ door: "echo", status, errorType: type });
  return body.error;
}

describe("a second door", () => {
  test("answers through the pipeline in its own format, logged as its request", async () => {
    const response = await post("/v1/echo/say", JSON.stringify({ model: "gpt-4o-mini", text: "Hello" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: "Hello from the mock upstream." });
    expect(response.headers.get("x-provider")).toBe("openai");
    const logged = rows.filter((row) => row.taskId === response.headers.get("x-task-id"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ door: "echo", status: 200, provider: "openai", model: "gpt-4o-mini" });
  });

  test("a pipeline error comes back in its shape", async () => {
    const error = await expectEchoError(await post("/v1/echo/say", JSON.stringify({ model: "no-such-model-anywhere", text: "Hello" })), 404, "invalid_request_error");
    expect(error.message).toContain("no-such-model-anywhere");
  });

  test("malformed JSON", async () => {
    const error = await expectEchoError(await post("/v1/echo/say", '{"model": "gpt-4o-mini", "text": '), 400, "invalid_request_error");
    expect(error.message).toContain("not valid JSON");
  });

  test("a body its schema refuses names the field", async () => {
    const error = await expectEchoError(await post("/v1/echo/say", JSON.stringify({ model: "gpt-4o-mini", text: "" })), 400, "invalid_request_error");
    expect(error.message).toContain("text");
  });

  test("a body not sent as JSON", async () => {
    await expectEchoError(await post("/v1/echo/say", "Hello", "text/plain"), 400, "invalid_request_error");
  });

  test("a body over the limit", async () => {
    const error = await expectEchoError(await post("/v1/echo/say", JSON.stringify({ model: "gpt-4o-mini", text: "x".repeat(MAX_BODY_BYTES) })), 413, "invalid_request_error");
    expect(error.message).toContain("MAX_BODY_BYTES");
  });

  test("a wrong method is a 405 whose Allow lists every method of the path", async () => {
    const response = await app.request("/v1/echo/say", { method: "PUT" });
    expect(response.headers.get("allow")).toBe("POST, DELETE");
    expect((await expectEchoError(response, 405, "invalid_request_error")).message).toBe("Method PUT is not allowed on /v1/echo/say; use POST, DELETE.");
    expect((await app.request("/v1/echo/say", { method: "DELETE" })).status).toBe(204);
  });

  test("an unknown path on its ground is its 404; the message lists what every door serves", async () => {
    const error = await expectEchoError(await app.request("/v1/echo/shout", { method: "POST" }), 404, "not_found_error");
    expect(error.message).toBe("Unknown route: POST /v1/echo/shout. This proxy serves /v1/chat/completions, /v1/models, /v1/echo/say and /v1/feedback.");
  });

  test("the rest of /v1/ is still the OpenAI door's", async () => {
    const response = await app.request("/v1/embeddings", { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { type: "not_found_error", code: "unknown_route" } });
    expect(rows.find((row) => row.taskId === response.headers.get("x-task-id"))).toMatchObject({ door: "openai", status: 404 });
    expect((await app.request("/v1/models")).status).toBe(200);
  });

  test("outside every door: the proxy's own error shape and no log row", async () => {
    const response = await app.request("/favicon.ico");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "unknown_route" } });
    expect(rows.some((row) => row.taskId === response.headers.get("x-task-id"))).toBe(false);
  });
});

test("the longest matching prefix picks the door", () => {
  const doors = [openaiDoor, echoDoor];
  expect(doorForPath(doors, "/v1/echo/say")).toBe(echoDoor);
  expect(doorForPath(doors, "/v1/echo")).toBe(echoDoor);
  expect(doorForPath(doors, "/v1/chat/completions")).toBe(openaiDoor);
  expect(doorForPath(doors, "/v1")).toBeUndefined();
  expect(doorForPath(doors, "/health")).toBeUndefined();
  expect(doorForPath([echoDoor, openaiDoor], "/v1/echo/say")).toBe(echoDoor);
});
