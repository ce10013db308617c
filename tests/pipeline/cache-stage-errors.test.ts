import { afterAll, beforeAll, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { createContext } from "../../src/pipeline/create-context";
import { cache } from "../../src/pipeline/stages/cache";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The cache stage never fails a request: one whose key cannot be built (here a request that
 * refers to itself, which no door produces, standing for any bug in the key) goes on as if the
 * cache were off, and the failure is counted for /metrics.
 */
let proxy: TestProxy;

beforeAll(async () => {
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-cache-stage-errors-00", OPENAI_BASE_URL: "http://127.0.0.1:9/v1", CACHE_ENABLED: "true" });
});

afterAll(() => proxy.close());

test("a request the key cannot be built for goes on uncached, and the failure is counted", async () => {
  const request = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] });
  const context = createContext({ door: "openai", request, http: new Request("http://127.0.0.1/v1/chat/completions", { method: "POST" }) });
  (request.messages[0] as Record<string, unknown>).self = request.messages[0];
  const deps = proxy.proxy.pipeline;
  expect(await cache(context, deps)).toBeUndefined();
  expect(context.cache).toBeUndefined();
  expect(context.finishHooks.size).toBe(0);
  expect(deps.cache!.service.counters.keyErrors).toBe(1);
  const metrics = await (await fetch(`${proxy.origin}/metrics`)).text();
  expect(metrics).toContain('claude_proxy_cache_errors_total{operation="key"} 1');
});
