import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cacheStores, countSlowLookups } from "../helpers/cache-paths";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * Where the cache's fast path (src/doors/fast-hit.ts) must not answer, the slow path does, as it
 * would without it: bypass headers, a body that differs by one byte, another anthropic-beta header,
 * an entry evicted from memory or expired, /feedback commands, and a proxy without the cache. Raw
 * fetch, so the tests choose every byte of the body.
 */
const upstreamKey = "sk-test-fast-path-limits-00000";
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let slowLookups: { readonly count: number };

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ CACHE_ENABLED: "true", OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url });
  slowLookups = countSlowLookups(proxy);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const chatBody = (text: string) => JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }], temperature: 0 });

async function post(to: TestProxy, body: string, headers: Record<string, string> = {}, path = "/v1/chat/completions") {
  const response = await fetch(`${to.origin}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await response.text();
  expect(response.status).toBe(200);
  return { cache: response.headers.get("x-cache"), provider: response.headers.get("x-provider"), text };
}

/** Sends a body until its answer is stored and then served by the slow path, so that the fast path remembers its bytes. */
async function remember(to: TestProxy, body: string, headers: Record<string, string> = {}, path?: string): Promise<void> {
  const before = await cacheStores(to);
  expect((await post(to, body, headers, path)).cache).toBe("MISS");
  await waitFor(async () => (await cacheStores(to)) > before, { what: "the answer to be stored" });
  expect((await post(to, body, headers, path)).cache).toBe("HIT");
}

describe("the fast path leaves to the slow path", () => {
  test("requests with bypass headers: they bypass the cache and reach the upstream", async () => {
    const body = chatBody(`Bypass me (${crypto.randomUUID()})`);
    await remember(proxy, body);
    const bypassing: Array<Record<string, string>> = [{ "cache-control": "no-cache" }, { "x-cache": "bypass" }, { "cache-control": "no-store" }];
    for (const headers of bypassing) {
      const calls = upstream.requests.length;
      expect((await post(proxy, body, headers)).cache).toBe("BYPASS");
      expect(upstream.requests.length).toBe(calls + 1);
    }
    // Without them, the same bytes are a fast hit again.
    const lookups = slowLookups.count;
    expect((await post(proxy, body)).cache).toBe("HIT");
    expect(slowLookups.count).toBe(lookups);
  });

  test("a body that differs by one byte: the slow path keys it (a hit when only the spacing differs, a miss otherwise)", async () => {
    const body = chatBody(`One byte (${crypto.randomUUID()})A`);
    await remember(proxy, body);
    const lookups = slowLookups.count;
    expect((await post(proxy, `${body} `)).cache).toBe("HIT");
    expect(slowLookups.count).toBe(lookups + 1);
    const calls = upstream.requests.length;
    expect((await post(proxy, body.replace(')A"', ')B"'))).cache).toBe("MISS");
    expect(upstream.requests.length).toBe(calls + 1);
    expect(slowLookups.count).toBe(lookups + 2);
  });

  test("the same bytes through the Anthropic door with another anthropic-beta header, which its translation reads", async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: `Betas (${crypto.randomUUID()})` }], temperature: 0 });
    await remember(proxy, body, { "anthropic-beta": "interleaved-thinking-2025-05-14" }, "/v1/messages");
    const lookups = slowLookups.count;
    await post(proxy, body, { "anthropic-beta": "interleaved-thinking-2025-05-14" }, "/v1/messages");
    expect(slowLookups.count).toBe(lookups);
    await post(proxy, body, { "anthropic-beta": "context-1m-2025-08-07" }, "/v1/messages");
    expect(slowLookups.count).toBe(lookups + 1);
  });

  test("/feedback commands: answered by the proxy every time, never from the cache, never remembered", async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Hi (${crypto.randomUUID()})` }, { role: "assistant", content: "Hello." }, { role: "user", content: "/feedback good" }] });
    const memo = proxy.proxy.pipeline.cache!.hitMemo;
    const [remembered, lookups, calls] = [memo.size, slowLookups.count, upstream.requests.length];
    for (let index = 0; index < 3; index++) {
      const answer = await post(proxy, body);
      expect(answer).toMatchObject({ cache: null, provider: "proxy" });
    }
    expect([memo.size, slowLookups.count, upstream.requests.length]).toEqual([remembered, lookups, calls]);
  });
});

describe("entries that are gone from memory are not served by the fast path", () => {
  test("evicted: the next answer stored pushes it out of a one-entry memory; the slow path reads it from the table", async () => {
    const small = await startTestProxy({ CACHE_ENABLED: "true", CACHE_MAX_ENTRIES: "1", OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url });
    try {
      const lookups = countSlowLookups(small);
      const body = chatBody(`Evicted (${crypto.randomUUID()})`);
      await remember(small, body);
      const before = await cacheStores(small);
      await post(small, chatBody(`Another (${crypto.randomUUID()})`));
      await waitFor(async () => (await cacheStores(small)) > before, { what: "the other answer to be stored" });
      const stats = async () => (await (await fetch(`${small.origin}/api/cache`)).json()) as { tableHits: number; pendingWrites: number; memoryEntries: number };
      await waitFor(async () => (await stats()).pendingWrites === 0, { what: "the answers to reach the table" });
      const [tableHits, seen] = [(await stats()).tableHits, lookups.count];
      expect((await post(small, body)).cache).toBe("HIT");
      expect(lookups.count).toBe(seen + 1);
      expect((await stats()).tableHits).toBe(tableHits + 1);
    } finally {
      await small.close();
    }
  });

  test("expired: past CACHE_TTL_SECONDS the same bytes are a miss and go upstream", async () => {
    const brief = await startTestProxy({ CACHE_ENABLED: "true", CACHE_TTL_SECONDS: "1", OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url });
    try {
      const lookups = countSlowLookups(brief);
      const body = chatBody(`Expired (${crypto.randomUUID()})`);
      await remember(brief, body);
      // The table's copy expires a little later than the memory's (it is written up to 200 ms after): past both.
      await Bun.sleep(2_000);
      const [calls, seen] = [upstream.requests.length, lookups.count];
      expect((await post(brief, body)).cache).toBe("MISS");
      expect(upstream.requests.length).toBe(calls + 1);
      expect(lookups.count).toBe(seen + 1);
    } finally {
      await brief.close();
    }
  });
});

test("CACHE_ENABLED=false: the same bytes reach the upstream every time", async () => {
  const uncached = await startTestProxy({ CACHE_ENABLED: "false", OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url });
  try {
    expect(uncached.proxy.pipeline.cache).toBeUndefined();
    const body = chatBody(`Uncached (${crypto.randomUUID()})`);
    const calls = upstream.requests.length;
    for (let index = 0; index < 3; index++) expect((await post(uncached, body)).cache).toBeNull();
    expect(upstream.requests.length).toBe(calls + 3);
  } finally {
    await uncached.close();
  }
});
