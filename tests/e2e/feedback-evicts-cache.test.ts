import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { findCachedAnswer } from "../../src/db/cache-queries";
import { defaultCompletion, type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * An answer rated bad leaves the response cache: the same request is not served it again, by the
 * instance that was told, by another instance on the same database that held it in memory, or by
 * one started later. A good rating leaves it where it is.
 */
let upstream: MockOpenAIUpstream;
let first: TestProxy;
let second: TestProxy;
const env = () => ({ CACHE_ENABLED: "true", OPENAI_API_KEY: "sk-test-upstream-key-feedback-evict-0", OPENAI_BASE_URL: upstream.url });

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  first = await startTestProxy(env());
  second = await startTestProxy(env());
});

afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await upstream.close();
});

const clientOf = (proxy: TestProxy) => new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
const question = (text: string) => ({ model: "gpt-4o-mini", temperature: 0, messages: [{ role: "user" as const, content: text }] });
const cacheStats = async (proxy: TestProxy) => (await (await fetch(`${proxy.origin}/api/cache`)).json()) as { stores: number; pendingWrites: number; memoryEntries: number; indexedKeys: number };

async function askStored(proxy: TestProxy, text: string, headers: Record<string, string>) {
  const before = (await cacheStats(proxy)).stores;
  const answer = await clientOf(proxy).chat.completions.create(question(text), { headers }).withResponse();
  await waitFor(async () => {
    const stats = await cacheStats(proxy);
    return stats.stores > before && stats.pendingWrites === 0;
  }, { what: "the answer stored and written" });
  return answer;
}

test("/rate bad evicts the answer the user just read, on every instance and for later ones", async () => {
  const headers = { "x-session-id": crypto.randomUUID() };
  const text = `Which flag makes grep recursive? (${crypto.randomUUID()})`;
  upstream.enqueue({ kind: "json", body: defaultCompletion("gpt-4o-mini", "Use -v.") });
  const indexed = (await cacheStats(second)).indexedKeys;
  const answered = await askStored(first, text, headers);
  expect(answered.response.headers.get("x-cache")).toBe("MISS");
  // Another instance holds the same answer in its memory after serving it once.
  await waitFor(async () => (await cacheStats(second)).indexedKeys > indexed, { timeoutMs: 10_000, what: "the second instance to index the key" });
  const fromSecond = await clientOf(second).chat.completions.create(question(text)).withResponse();
  expect(fromSecond.response.headers.get("x-cache")).toBe("HIT");
  expect(fromSecond.data.choices[0]!.message.content).toBe("Use -v.");
  const heldBySecond = (await cacheStats(second)).memoryEntries;

  const reply = await clientOf(first).chat.completions.create(question("/rate bad that flag inverts the match"), { headers });
  expect(reply.choices[0]!.message.content).toContain(answered.response.headers.get("x-task-id")!);
  expect(await findCachedAnswer((await sharedTestDatabase()).db, (await first.logRow(answered.response.headers.get("x-task-id")!))!.cacheKey!)).toBeUndefined();
  await waitFor(async () => (await cacheStats(second)).memoryEntries < heldBySecond, { timeoutMs: 5_000, what: "the second instance to drop its copy" });

  const calls = upstream.requests.length;
  const again = await clientOf(first).chat.completions.create(question(text)).withResponse();
  expect(again.response.headers.get("x-cache")).toBe("MISS");
  expect(upstream.requests.length).toBe(calls + 1);
  const third = await startTestProxy(env());
  try {
    // The fresh answer is still on its way to the table; the evicted one must not be found there.
    await waitFor(async () => (await cacheStats(first)).pendingWrites === 0, { what: "the fresh answer written" });
    const later = await clientOf(third).chat.completions.create(question(text)).withResponse();
    expect(later.data.choices[0]!.message.content).not.toBe("Use -v.");
  } finally {
    await third.close();
  }
});

test("POST /v1/feedback bad on a cache hit evicts the entry it came from; good keeps it", async () => {
  const text = `Is Bun's test runner Jest-compatible? (${crypto.randomUUID()})`;
  await askStored(first, text, {});
  const rate = (taskId: string, rating: string) =>
    fetch(`${first.url}/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ task_id: taskId, rating }) });

  const hit = await clientOf(first).chat.completions.create(question(text)).withResponse();
  expect(hit.response.headers.get("x-cache")).toBe("HIT");
  expect((await rate(hit.response.headers.get("x-task-id")!, "good")).status).toBe(200);
  const stillHit = await clientOf(first).chat.completions.create(question(text)).withResponse();
  expect(stillHit.response.headers.get("x-cache")).toBe("HIT");

  const evictions = async () => Number(/^claude_proxy_cache_evictions_total (\d+)$/m.exec(await (await fetch(`${first.origin}/metrics`)).text())?.[1]);
  const evictedBefore = await evictions();
  expect(evictedBefore).toBeGreaterThanOrEqual(0);
  expect((await rate(stillHit.response.headers.get("x-task-id")!, "bad")).status).toBe(200);
  const after = await clientOf(first).chat.completions.create(question(text)).withResponse();
  expect(after.response.headers.get("x-cache")).toBe("MISS");
  expect(await evictions()).toBe(evictedBefore + 1);
});
