import { afterAll, beforeAll, expect, test } from "bun:test";
import { cacheStores } from "../helpers/cache-paths";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * A request body's buffer is given back once the route is done with it (src/doors/release-body.ts),
 * except the bytes the cache's fast path keeps to recognise the next same request; the fast path
 * still answers that next request.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ CACHE_ENABLED: "true", OPENAI_API_KEY: "sk-test-release-body-0000000000", OPENAI_BASE_URL: upstream.url });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** Sends `text` through the app and returns the response with the buffer the route read the body from. */
async function send(text: string): Promise<{ response: Response; body: ArrayBuffer }> {
  const body = new TextEncoder().encode(text).buffer as ArrayBuffer;
  const request = new Request(`${proxy.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(body.byteLength) },
    body: text,
  });
  // The buffer Hono's body cache gets, so the test can see what becomes of it.
  Object.defineProperty(request, "arrayBuffer", { value: async () => body });
  const response = await proxy.proxy.app.fetch(request);
  await response.text();
  return { response, body };
}

test("a miss and a fast-path hit release the body; the remembered one is kept and still answers", async () => {
  const text = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `What is a monad? ${crypto.randomUUID()}` }], temperature: 0 });
  const stores = await cacheStores(proxy);
  const miss = await send(text);
  expect(miss.response.headers.get("x-cache")).toBe("MISS");
  expect(miss.body.detached).toBe(true);
  await waitFor(async () => (await cacheStores(proxy)) > stores, { what: "the answer to be stored" });

  const slowHit = await send(text);
  expect(slowHit.response.headers.get("x-cache")).toBe("HIT");
  expect(slowHit.body.detached).toBe(false);

  for (let round = 0; round < 2; round++) {
    const fastHit = await send(text);
    expect(fastHit.response.headers.get("x-cache")).toBe("HIT");
    expect(fastHit.body.detached).toBe(true);
  }
  expect(slowHit.body.detached).toBe(false);
  expect(proxy.proxy.pipeline.cache!.hitMemo.size).toBe(1);
});
