import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { APIError } from "openai";
import { loadConfig } from "../../src/config";
import { findRequestLog } from "../../src/db/queries";
import { createLogger } from "../../src/logger";
import { buildProxy, type Proxy } from "../../src/server";
import { type MockOpenAIUpstream, type MockReply, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * Upstream failures come back mapped onto the proxy's OpenAI error shape with a status that says
 * whose fault it was, are logged with status and type, and never carry an API key back out.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
/** Everything the proxy's logger wrote (the proxy in this file logs at debug level). */
const logLines: string[] = [];
let loggingProxy: { proxy: Proxy; server: ReturnType<typeof Bun.serve> };

const UPSTREAM_TIMEOUT_MS = 300;
const env = (upstreamUrl: string) => ({
  OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
  OPENAI_BASE_URL: upstreamUrl,
  UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
  // Every test here fails on purpose; keep the circuit breaker out of the way.
  CONSECUTIVE_FAILURE_LIMIT: "1000",
});

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy(env(upstream.url));
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });

  const config = loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", CACHE_ENABLED: "false", LOG_LEVEL: "debug", ...env(upstream.url) });
  const logged = await buildProxy(config, createLogger("debug", (line) => logLines.push(line)), { database: await sharedTestDatabase() });
  loggingProxy = { proxy: logged, server: Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: logged.app.fetch }) };
});

afterAll(async () => {
  await loggingProxy.server.stop(true);
  await loggingProxy.proxy.close();
  await proxy.close();
  await upstream.close();
});

const hello = [{ role: "user" as const, content: "Hello" }];

/** One request through the official client after queueing `reply`; returns the APIError it raised. */
async function failWith(reply: MockReply | undefined, options: { stream?: boolean; on?: OpenAI } = {}): Promise<APIError> {
  if (reply) upstream.enqueue(reply);
  try {
    if (options.stream) {
      const stream = await (options.on ?? client).chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true });
      for await (const _chunk of stream) {
        // drain
      }
    } else {
      await (options.on ?? client).chat.completions.create({ model: "gpt-4o-mini", messages: hello });
    }
  } catch (error) {
    expect(error).toBeInstanceOf(APIError);
    return error as APIError;
  }
  throw new Error("the request was expected to fail");
}

async function rowOf(failure: APIError, on: TestProxy = proxy) {
  const taskId = failure.headers?.get("x-task-id");
  expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
  return on.logRow(taskId!);
}

const upstreamError = (status: number, message: string, type = "invalid_request_error", code: string | null = null): MockReply => ({
  kind: "error",
  status,
  body: { error: { message, type, param: null, code } },
});

describe("upstream HTTP errors are mapped", () => {
  test("401 → 401 authentication_error, logged", async () => {
    const failure = await failWith(upstreamError(401, "Invalid authentication credentials", "invalid_request_error", "invalid_api_key"));
    expect(failure.status).toBe(401);
    expect(failure.type).toBe("authentication_error");
    expect(failure.code).toBe("invalid_api_key");
    expect(failure.message).toContain("OpenAI returned 401");
    expect(failure.headers!.get("x-provider")).toBe("openai");
    expect(failure.headers!.get("x-model")).toBe("gpt-4o-mini");
    expect(await rowOf(failure)).toMatchObject({ status: 401, errorType: "authentication_error", provider: "openai", model: "gpt-4o-mini" });
  });

  test("403 → 403 permission_error, logged", async () => {
    const failure = await failWith(upstreamError(403, "Project does not have access to model gpt-4o-mini", "invalid_request_error", "model_not_found"));
    expect(failure.status).toBe(403);
    expect(failure.type).toBe("permission_error");
    expect(await rowOf(failure)).toMatchObject({ status: 403, errorType: "permission_error" });
  });

  test("429 → 429 rate_limit_error, logged", async () => {
    const failure = await failWith({
      kind: "error",
      status: 429,
      body: { error: { message: "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.", type: "requests", param: null, code: "rate_limit_exceeded" } },
      headers: { "retry-after": "20" },
    });
    expect(failure.status).toBe(429);
    expect(failure.type).toBe("rate_limit_error");
    expect(failure.code).toBe("rate_limit_exceeded");
    expect(failure.message).toContain("Rate limit reached");
    expect(await rowOf(failure)).toMatchObject({ status: 429, errorType: "rate_limit_error" });
  });

  for (const status of [500, 503]) {
    test(`${status} → 502 upstream_error, logged, with the upstream's type not leaked as ours`, async () => {
      const failure = await failWith(upstreamError(status, "The server had an error while processing your request.", "server_error"));
      expect(failure.status).toBe(502);
      expect(failure.type).toBe("upstream_error");
      expect(failure.message).toContain(`OpenAI returned ${status}`);
      expect(await rowOf(failure)).toMatchObject({ status: 502, errorType: "upstream_error" });
    });
  }

  test("a streaming request that fails before the first byte gets the same mapped error", async () => {
    const failure = await failWith(upstreamError(503, "Service unavailable", "server_error"), { stream: true });
    expect(failure.status).toBe(502);
    expect(failure.type).toBe("upstream_error");
    expect(await rowOf(failure)).toMatchObject({ status: 502, errorType: "upstream_error", stream: true });
  });
});

describe("unreachable and silent upstreams", () => {
  test("a closed port → 502 upstream_error, logged", async () => {
    const gone = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const closedUrl = `http://127.0.0.1:${gone.port}/v1`;
    await gone.stop(true);
    const unreachable = await startTestProxy(env(closedUrl));
    try {
      const failure = await failWith(undefined, { on: new OpenAI({ apiKey: "anything", baseURL: unreachable.url, maxRetries: 0 }) });
      expect(failure.status).toBe(502);
      expect(failure.type).toBe("upstream_error");
      expect(failure.code).toBe("upstream_unreachable");
      expect(failure.message).toContain("Could not reach OpenAI");
      expect(await rowOf(failure, unreachable)).toMatchObject({ status: 502, errorType: "upstream_error", provider: "openai" });
    } finally {
      await unreachable.close();
    }
  });

  test("an upstream that never answers → 504 timeout_error after UPSTREAM_TIMEOUT_MS, and the upstream call is aborted", async () => {
    const abortedBefore = upstream.aborted;
    const failure = await failWith({ kind: "hang" });
    expect(failure.status).toBe(504);
    expect(failure.type).toBe("timeout_error");
    expect(failure.message).toContain(`${UPSTREAM_TIMEOUT_MS} ms`);
    expect(await rowOf(failure)).toMatchObject({ status: 504, errorType: "timeout_error" });
    // The mock counts the abort when its request signal fires, a moment after the socket closes.
    await waitFor(() => upstream.aborted > abortedBefore, { what: "the mock to see the abort" });
    expect(upstream.aborted).toBe(abortedBefore + 1);
  });

  test("a streaming request to a silent upstream times out the same way", async () => {
    const failure = await failWith({ kind: "hang" }, { stream: true });
    expect(failure.status).toBe(504);
    expect(failure.type).toBe("timeout_error");
    expect(await rowOf(failure)).toMatchObject({ status: 504, errorType: "timeout_error", stream: true });
  });
});

describe("API keys in upstream messages are redacted", () => {
  const leaks = [
    { name: "elided key", key: "sk-proj-abc...xyz", fragments: ["sk-proj", "abc", "xyz"] },
    {
      name: "key masked with asterisks, as OpenAI prints it",
      key: `sk-proj-${"*".repeat(40)}7QwA`,
      fragments: ["sk-proj", "7QwA"],
    },
    { name: "whole key", key: "sk-proj-Zq8RkT2vLm9XwB4nYc7HdF1s", fragments: ["sk-proj", "Zq8RkT2vLm9XwB4nYc7HdF1s"] },
    { name: "Anthropic-style key", key: "sk-ant-api03-Qm3xR8vT2LpW9zK4", fragments: ["sk-ant", "Qm3xR8vT2LpW9zK4"] },
  ];

  for (const leak of leaks) {
    test(`${leak.name}: not in the response body nor the log row`, async () => {
      upstream.enqueue(
        upstreamError(401, `Incorrect API key provided: ${leak.key}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_request_error", "invalid_api_key"),
      );
      const response = await fetch(`${proxy.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: hello }),
      });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).toContain("Incorrect API key provided");
      const row = await proxy.logRow(response.headers.get("x-task-id")!);
      expect(row!.errorMessage).toContain("Incorrect API key provided");
      for (const fragment of leak.fragments) {
        expect(text).not.toContain(fragment);
        expect(row!.errorMessage).not.toContain(fragment);
      }
    });
  }

  test("a 5xx whose message carries a key: not in the response, the log row, or the proxy's own log lines", async () => {
    const key = "sk-proj-Lk4Jh7Gf2Ds9Aq1Wz";
    upstream.enqueue(upstreamError(500, `Upstream misconfigured, tried key ${key}`, "server_error"));
    const response = await fetch(`http://127.0.0.1:${loggingProxy.server.port}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: hello }),
    });
    expect(response.status).toBe(502);
    const text = await response.text();
    await loggingProxy.proxy.logWriter.flush();
    const row = await findRequestLog(loggingProxy.proxy.database.db, response.headers.get("x-task-id")!);
    expect(row!.status).toBe(502);
    const requestLines = logLines.filter((line) => line.includes(response.headers.get("x-task-id")!));
    expect(requestLines.length).toBeGreaterThan(0);
    for (const output of [text, row!.errorMessage ?? "", ...logLines]) expect(output).not.toContain("Lk4Jh7Gf2Ds9Aq1Wz");
  });
});
