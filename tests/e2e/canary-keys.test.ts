import { afterAll, beforeAll, expect, test } from "bun:test";
import { inArray } from "drizzle-orm";
import OpenAI from "openai";
import { loadConfig, secretValues } from "../../src/config";
import { requestLog } from "../../src/db/schema";
import { createLogger } from "../../src/logger";
import { createRedactor } from "../../src/security/redactor";
import { type Proxy, buildProxy } from "../../src/server";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockGeminiUpstream, googleError, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type MockOpenAIUpstream, type MockReply, type RecordedRequest, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";

/**
 * Canary keys of several shapes, configured as provider keys, are echoed back by the mock
 * upstreams in every way an upstream can (error bodies, mid-stream error events, the request's
 * headers quoted back) through every path (non-stream, stream before and after the first chunk,
 * fallback-eligible failures the circuit breakers remember). None may appear in anything the proxy
 * puts out: HTTP bodies, stream events, log lines, request_log rows (every column), /api/routing,
 * /health.
 */
const keys = {
  openai: "sk-canary-0penAI7Yq2Lm9Xw4Bn8Tc3",
  groq: "gsk_canary7Yq2Lm9Xw4Bn8Tc3Vd6Rf1Hs5Gq",
  xai: "xai-canary7Yq2Lm9Xw4Bn8Tc3Vd6Rf1Hs5",
  plain: "Qm7vT2xL9pW4kR8nZ3cY6bHd",
  short: "u5Jk9Wq2Ze",
  anthropic: "Ant7Lq2Wm9Xz4Bn8Tc3Vd6Rf",
  gemini: "Gem4Lq2Wm9Xz",
  proxy: "proxy-canary-9Zx8Wv7Ut6Sr5Qp4",
};
/** A credential nobody configured, in a shape no pattern knows, echoed back as a header. */
const strayHeaderValue = "hK3zQ";
const customIds = ["groq", "xai", "plain", "short"] as const;

let openaiUpstream: MockOpenAIUpstream;
let anthropicUpstream: MockAnthropicUpstream;
let geminiUpstream: MockGeminiUpstream;
let proxy: Proxy;
let server: ReturnType<typeof Bun.serve>;
let client: OpenAI;
const logLines: string[] = [];
/** Every body the proxy sent, stream events included, by request. */
const bodies: Array<Promise<string>> = [];
const taskIds: string[] = [];

/** The client's fetch, keeping a copy of every response body and its task id. */
const recordingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const response = await fetch(input, init);
  const taskId = response.headers.get("x-task-id");
  if (taskId) taskIds.push(taskId);
  bodies.push(response.clone().text());
  return response;
}) as typeof fetch;

beforeAll(async () => {
  openaiUpstream = startMockOpenAIUpstream();
  anthropicUpstream = startMockAnthropicUpstream();
  geminiUpstream = startMockGeminiUpstream();
  const customProviders = customIds.map((id) => ({ id, baseUrl: openaiUpstream.url, apiKey: keys[id], models: [{ id: `${id}-canary-model` }] }));
  const config = loadConfig({
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
    OPENAI_API_KEY: keys.openai,
    OPENAI_BASE_URL: openaiUpstream.url,
    ANTHROPIC_API_KEY: keys.anthropic,
    ANTHROPIC_BASE_URL: anthropicUpstream.url,
    GEMINI_API_KEY: keys.gemini,
    GEMINI_BASE_URL: geminiUpstream.url,
    CUSTOM_PROVIDERS: JSON.stringify(customProviders),
    PROXY_API_KEY: keys.proxy,
    // Every request fails on purpose; the breakers must keep letting them through.
    CONSECUTIVE_FAILURE_LIMIT: "1000",
    // The same "Hello" goes out again and must reach the upstream each time.
    CACHE_ENABLED: "false",
  });
  // As the entry point builds them: one redactor for the log and the pipeline.
  const redactor = createRedactor(secretValues(config));
  proxy = await buildProxy(config, createLogger("debug", (line) => logLines.push(line), redactor.redact), { database: await sharedTestDatabase(), redactor });
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: proxy.app.fetch });
  client = new OpenAI({ apiKey: keys.proxy, baseURL: `http://127.0.0.1:${server.port}/v1`, maxRetries: 0, fetch: recordingFetch });
});

afterAll(async () => {
  await server.stop(true);
  await proxy.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close(), geminiUpstream.close()]);
});

const keyOf = (request: RecordedRequest) => (request.headers.authorization ?? "").replace(/^Bearer /, "");
/** What a careless upstream says: the key, and the request's credential headers quoted back. */
const echo = (request: RecordedRequest) =>
  `Key ${keyOf(request)} is not valid. Received headers: {"authorization":"${request.headers.authorization}","x-api-key":"${keyOf(request)}","x-goog-api-key":"${strayHeaderValue}"}; api-key=${keyOf(request)}`;
const sse = (events: unknown[]) => new Response(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(""), { headers: { "content-type": "text/event-stream" } });
const chunk = (content: string) => ({ id: "chatcmpl-canary", object: "chat.completion.chunk", created: 1762000000, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: null }] });

const openaiReplies: Record<string, MockReply> = {
  clientError: { kind: "respond", respond: (request) => Response.json({ error: { message: echo(request), type: "invalid_request_error", param: null, code: null } }, { status: 400 }) },
  serverError: { kind: "respond", respond: (request) => Response.json({ error: { message: echo(request), type: "server_error", param: null, code: null } }, { status: 503 }) },
  authError: { kind: "respond", respond: (request) => Response.json({ error: { message: `Incorrect API key provided: ${keyOf(request)}.`, type: "invalid_request_error", param: null, code: "invalid_api_key" } }, { status: 401 }) },
  firstEventError: { kind: "respond", respond: (request) => sse([{ error: { message: echo(request), type: "server_error", param: null, code: null } }]) },
  midStreamError: { kind: "respond", respond: (request) => sse([chunk("Partial"), { error: { message: echo(request), type: "server_error", param: null, code: null } }]) },
};

/** Sends one request through the official client; the failure is what this test expects. */
async function send(model: string, stream: boolean): Promise<void> {
  const messages = [{ role: "user" as const, content: "Hello" }];
  try {
    if (stream) {
      for await (const _event of await client.chat.completions.create({ model, messages, stream: true })) {
        // drain
      }
    } else {
      await client.chat.completions.create({ model, messages });
    }
  } catch {
    // Expected: every reply here is an error.
  }
}

test("no configured key and no echoed credential leaves the proxy, on any path", async () => {
  const openaiModels = [["openai", "gpt-4o-mini"], ...customIds.map((id) => [id, `${id}-canary-model`])] as const;
  for (const [, model] of openaiModels) {
    for (const [name, reply] of Object.entries(openaiReplies)) {
      openaiUpstream.enqueue(reply);
      await send(model, name === "firstEventError" || name === "midStreamError" || name === "authError");
    }
  }
  const anthropicEcho = `Key ${keys.anthropic} is not valid (x-api-key: ${keys.anthropic}, "x-goog-api-key": "${strayHeaderValue}")`;
  anthropicUpstream.enqueue({ kind: "error", status: 400, message: anthropicEcho });
  await send("claude-haiku-4-5", false);
  anthropicUpstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "Partial answer" }] }, midStreamError: { afterEvents: 3, type: "api_error", message: anthropicEcho } });
  await send("claude-haiku-4-5", true);
  anthropicUpstream.enqueue({ kind: "error", status: 529, message: anthropicEcho });
  await send("claude-haiku-4-5", false);

  const geminiEcho = `API key ${keys.gemini} not valid: GET /v1beta/models?key=${keys.gemini} (x-goog-api-key: ${keys.gemini}; authorization: ${strayHeaderValue})`;
  geminiUpstream.enqueue({ kind: "error", status: 400, body: googleError(400, geminiEcho) });
  await send("gemini-2.5-flash", false);
  geminiUpstream.enqueue({ kind: "events", events: [{ candidates: [{ content: { parts: [{ text: "Partial" }], role: "model" }, index: 0 }] }, { error: { code: 500, message: geminiEcho, status: "INTERNAL" } }] });
  await send("gemini-2.5-flash", true);
  geminiUpstream.enqueue({ kind: "error", status: 503, body: googleError(503, geminiEcho) });
  await send("gemini-2.5-flash", true);

  const requests = openaiModels.length * Object.keys(openaiReplies).length + 6;
  const headers = { authorization: `Bearer ${keys.proxy}` };
  const routing = await (await fetch(`http://127.0.0.1:${server.port}/api/routing`, { headers })).text();
  const health = await (await fetch(`http://127.0.0.1:${server.port}/health`, { headers })).text();
  await proxy.logWriter.flush();
  const rows = await proxy.database.db.select().from(requestLog).where(inArray(requestLog.taskId, taskIds));

  // The canaries really went out and came back: the upstreams received every key.
  const sentKeys = openaiUpstream.requests.map(keyOf);
  for (const id of ["openai", ...customIds] as const) expect(sentKeys).toContain(keys[id]);
  expect(anthropicUpstream.requests.some((request) => (request.headers["x-api-key"] ?? request.headers.authorization)?.includes(keys.anthropic))).toBe(true);
  expect(geminiUpstream.requests.some((request) => request.headers["x-goog-api-key"] === keys.gemini)).toBe(true);
  expect(taskIds).toHaveLength(requests);
  expect(rows).toHaveLength(requests);

  const outputs: Record<string, string> = {
    "HTTP bodies and stream events": (await Promise.all(bodies)).join("\n"),
    "log lines": logLines.join("\n"),
    "request_log rows": JSON.stringify(rows),
    "/api/routing": routing,
    "/health": health,
  };
  // Each path carried the echo, redacted: error bodies, stream events, rows, breakers and log.
  for (const name of ["HTTP bodies and stream events", "request_log rows", "/api/routing", "log lines"]) expect(outputs[name]).toContain("[redacted]");
  expect(outputs["HTTP bodies and stream events"]).toContain("Partial");
  expect(JSON.parse(routing).breakers.length).toBeGreaterThanOrEqual(6);

  const leaks = Object.entries(outputs).flatMap(([output, text]) =>
    Object.entries({ ...keys, strayHeaderValue }).filter(([, secret]) => text.includes(secret)).map(([name]) => `${name} in ${output}`),
  );
  expect(leaks).toEqual([]);
});

test("an OpenAI error in the middle of a stream reaches the client redacted, and so does the breaker's last error", async () => {
  const stray = "sk-proj-Zq8RkT2vLm9XwB4nYc7HdF1s";
  openaiUpstream.enqueue({ kind: "respond", respond: (request) => sse([chunk("Partial"), { error: { message: `Quota of ${keyOf(request)} (and ${stray}) exceeded`, type: "server_error", param: null, code: null } }]) });
  const response = await fetch(`http://127.0.0.1:${server.port}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keys.proxy}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hello" }] }),
  });
  const events = await response.text();
  expect(events).toContain('"content":"Partial"');
  expect(events).toContain('data: {"error":{"message":"Quota of [redacted] (and [redacted]) exceeded"');
  const routing = (await (await fetch(`http://127.0.0.1:${server.port}/api/routing`, { headers: { authorization: `Bearer ${keys.proxy}` } })).json()) as { breakers: Array<{ key: string; lastError: string }> };
  expect(routing.breakers.find((breaker) => breaker.key === "openai:gpt-4o-mini")?.lastError).toBe("Quota of [redacted] (and [redacted]) exceeded");
});
