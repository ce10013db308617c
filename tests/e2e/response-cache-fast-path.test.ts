import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { cacheStores, countSlowLookups, maskFreshIds } from "../helpers/cache-paths";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * The cache's fast path (src/doors/fast-hit.ts) answers exactly as the slow path does. Through each
 * door, with its official SDK, in each mode: the first request is a miss and stored (as a complete
 * answer), the second is a slow-path hit (its bytes are then remembered), the third, the same bytes,
 * is a fast-path hit. The two hits have the same bytes (fresh ids and times masked), the same
 * response headers (but the task id), and the same log row (but the task, its time, latency and time to first token).
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let openai: OpenAI;
let anthropic: Anthropic;
let slowLookups: { readonly count: number };

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ CACHE_ENABLED: "true", OPENAI_API_KEY: "sk-test-fast-path-0000000000", OPENAI_BASE_URL: upstream.url });
  openai = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "anything", baseURL: proxy.origin, maxRetries: 0 });
  slowLookups = countSlowLookups(proxy);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** The doors by the names their log rows carry. */
type Door = "openai" | "anthropic" | "responses";
/** One request through a door's SDK, its raw Response unread. */
type Send = (question: string, stream: boolean) => Promise<Response>;

const sends: Record<Door, Send> = {
  openai: (question, stream) =>
    openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: question }], temperature: 0, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) }).asResponse(),
  anthropic: (question, stream) => {
    const body = { model: "gpt-4o-mini", max_tokens: 300, messages: [{ role: "user" as const, content: question }], temperature: 0 };
    return (stream ? anthropic.messages.create({ ...body, stream: true }) : anthropic.messages.create(body)).asResponse();
  },
  responses: (question, stream) => openai.responses.create({ model: "gpt-4o-mini", input: question, temperature: 0, stream }).asResponse(),
};

interface Seen {
  text: string;
  headers: Record<string, string>;
  row: Record<string, unknown>;
}

async function see(response: Response): Promise<Seen> {
  const text = await response.text();
  expect(response.status).toBe(200);
  const taskId = response.headers.get("x-task-id")!;
  const { "x-task-id": _task, date: _date, ...headers } = Object.fromEntries(response.headers);
  const { taskId: _rowTask, createdAt: _created, latencyMs: _latency, ttftMs: _ttft, ...row } = (await proxy.logRow(taskId)) as Record<string, unknown>;
  return { text, headers, row };
}

describe("a fast-path hit is the slow-path hit's twin", () => {
  for (const door of Object.keys(sends) as Door[]) {
    for (const stream of [false, true]) {
      test(`${door} door, ${stream ? "streamed (the replay of a stored completion)" : "complete answer"}`, async () => {
        const send = sends[door];
        const question = `What is a closure? (${door}, ${stream}, ${crypto.randomUUID()})`;
        const before = await cacheStores(proxy);
        const first = await send(question, false);
        expect(first.headers.get("x-cache")).toBe("MISS");
        await first.text();
        await waitFor(async () => (await cacheStores(proxy)) > before, { what: "the answer to be stored" });
        const calls = upstream.requests.length;
        const memo = proxy.proxy.pipeline.cache!.hitMemo;

        const lookups = slowLookups.count;
        const slow = await see(await send(question, stream));
        expect(slowLookups.count).toBe(lookups + 1);
        const remembered = memo.size;
        const fast = await see(await send(question, stream));
        expect(slowLookups.count).toBe(lookups + 1);
        expect(memo.size).toBe(remembered);
        expect(upstream.requests.length).toBe(calls);

        expect(slow.headers["x-cache"]).toBe("HIT");
        expect(fast.headers).toEqual(slow.headers);
        expect(maskFreshIds(fast.text)).toBe(maskFreshIds(slow.text));
        expect(fast.text).toContain("Hello from the mock upstream.");
        expect(fast.row).toEqual(slow.row);
        expect(fast.row).toMatchObject({ cacheStatus: "hit", costUsd: 0, status: 200, stream, door });
        expect(fast.row.cacheSavedUsd).toBeGreaterThan(0);
      });
    }
  }

  test("fast hits are counted as hits, in /api/cache and /metrics", async () => {
    const question = `Counted? (${crypto.randomUUID()})`;
    const before = await cacheStores(proxy);
    await (await sends.openai(question, false)).text();
    await waitFor(async () => (await cacheStores(proxy)) > before, { what: "the answer to be stored" });
    await (await sends.openai(question, false)).text();
    const stats = async () => (await (await fetch(`${proxy.origin}/api/cache`)).json()) as { hits: number; misses: number };
    const metric = async () => Number(/claude_proxy_cache_lookups_total\{result="hit"\} (\d+)/.exec(await (await fetch(`${proxy.origin}/metrics`)).text())?.[1]);
    const [statsBefore, metricBefore, lookups] = [await stats(), await metric(), slowLookups.count];
    await (await sends.openai(question, false)).text();
    expect(slowLookups.count).toBe(lookups);
    expect(await stats()).toMatchObject({ hits: statsBefore.hits + 1, misses: statsBefore.misses });
    expect(await metric()).toBe(metricBefore + 1);
  });
});
