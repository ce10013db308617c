import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { defaultCompletion, type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { readContent } from "../helpers/read-content";
import { waitFor } from "../helpers/wait-for";

/**
 * The response cache through the OpenAI door with the official `openai` client: a complete answer
 * is stored and replayed in either mode (tool calls and Anthropic reasoning state included), the
 * client can bypass it, and what must never be stored (errors, cut streams, answers to a client
 * that left, hot sampling) is not. Every test asks its own question: the database is shared.
 */
const anthropicKey = "sk-ant-api03-e2e-response-cache-7Qp2";
let openaiUpstream: MockOpenAIUpstream;
let anthropicUpstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  openaiUpstream = startMockOpenAIUpstream();
  anthropicUpstream = startMockAnthropicUpstream({ apiKey: anthropicKey });
  proxy = await startTestProxy({
    CACHE_ENABLED: "true",
    CACHE_MAX_TEMPERATURE: "0.5",
    OPENAI_API_KEY: "sk-test-upstream-key-response-cache-00",
    OPENAI_BASE_URL: openaiUpstream.url,
    ANTHROPIC_API_KEY: anthropicKey,
    ANTHROPIC_BASE_URL: anthropicUpstream.url,
  });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
});

/** A question no other test asks, at temperature 0 (stored under CACHE_MAX_TEMPERATURE=0.5). */
const question = (text: string): { model: string; messages: Array<{ role: "user"; content: string }>; temperature?: number } => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: `${text} (${crypto.randomUUID()})` }],
  temperature: 0,
});
const readTool: ChatCompletionTool = {
  type: "function",
  function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
};
/** The stage stores an answer on the tick after the response; this waits for it. */
const stored = (count: number) => waitFor(() => cacheStats().then((stats) => stats.stores >= count), { what: `${count} stored answers` });
async function cacheStats(): Promise<{ stores: number; hits: number; misses: number; bypasses: number }> {
  return (await (await fetch(`${proxy.origin}/api/cache`)).json()) as { stores: number; hits: number; misses: number; bypasses: number };
}

describe("a stored answer is served again", () => {
  test("non-streaming: the second identical request never reaches the upstream, costs $0 and logs what it saved", async () => {
    const request = question("What is a monad?");
    const before = (await cacheStats()).stores;
    const first = await client.chat.completions.create(request).withResponse();
    expect(first.response.headers.get("x-cache")).toBe("MISS");
    await stored(before + 1);
    const calls = openaiUpstream.requests.length;

    // `user`, `metadata` and `stream_options` are not part of the key.
    const second = await client.chat.completions.create({ ...request, user: "someone-else", metadata: { run: "2" } }).withResponse();
    expect(openaiUpstream.requests.length).toBe(calls);
    expect(second.response.headers.get("x-cache")).toBe("HIT");
    expect(second.response.headers.get("x-provider")).toBe("openai");
    expect(second.response.headers.get("x-model")).toBe("gpt-4o-mini");
    expect(second.data.choices).toEqual(first.data.choices);
    expect(second.data.usage).toEqual(first.data.usage);
    expect(second.data.id).not.toBe(first.data.id);

    const firstRow = await proxy.logRow(first.response.headers.get("x-task-id")!);
    const hitRow = await proxy.logRow(second.response.headers.get("x-task-id")!);
    expect(firstRow).toMatchObject({ cacheStatus: "miss", cacheSavedUsd: null });
    expect(firstRow!.costUsd).toBeGreaterThan(0);
    expect(hitRow).toMatchObject({ cacheStatus: "hit", costUsd: 0, provider: "openai", model: "gpt-4o-mini", status: 200, baselineCostUsd: null, tier: null });
    expect(hitRow!.cacheSavedUsd).toBeCloseTo(firstRow!.costUsd, 12);
  });

  test("a streamed answer with parallel tool calls replays as a completion, and a completion as a stream", async () => {
    const request = { ...question("Read both files"), tools: [readTool] };
    const before = (await cacheStats()).stores;
    openaiUpstream.enqueue({ kind: "fixture", name: "parallel-tool-calls" });
    const streamed = await client.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0]!.message.tool_calls).toHaveLength(2);
    await stored(before + 1);
    const calls = openaiUpstream.requests.length;

    const replayed = await client.chat.completions.create(request).withResponse();
    expect(replayed.response.headers.get("x-cache")).toBe("HIT");
    expect(replayed.data.choices[0]!.message.tool_calls).toEqual(streamed.choices[0]!.message.tool_calls);
    expect(replayed.data.choices[0]!.finish_reason).toBe("tool_calls");

    const restreamed = await client.chat.completions.stream({ ...request, stream_options: { include_usage: true } }).finalChatCompletion();
    expect(restreamed.choices[0]!.message.tool_calls).toEqual(streamed.choices[0]!.message.tool_calls);
    expect(restreamed.usage).toEqual(replayed.data.usage);
    expect(openaiUpstream.requests.length).toBe(calls);
  });

  test("a completion replays as a stream that ends in [DONE], usage only when asked for", async () => {
    const request = question("Name three sorting algorithms");
    const before = (await cacheStats()).stores;
    const completion = await client.chat.completions.create(request);
    await stored(before + 1);
    const response = await fetch(`${proxy.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...request, stream: true }),
    });
    expect(response.headers.get("x-cache")).toBe("HIT");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(text).not.toContain('"usage"');
    expect(text).toContain(JSON.stringify(completion.choices[0]!.message.content));
  });

  test("Anthropic thinking (reasoning_details with its signature) and a tool call survive both replays", async () => {
    const signature = "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECb+aJQ==";
    anthropicUpstream.enqueue({
      kind: "reply",
      reply: { content: [{ type: "thinking", thinking: "Call get_weather.", signature }, { type: "tool_use", id: "toolu_01CacheReplay", name: "read_file", input: { path: "a.ts" } }] },
    });
    const request = { model: "claude-haiku-4-5", messages: [{ role: "user" as const, content: `Open a.ts (${crypto.randomUUID()})` }], tools: [readTool], reasoning_effort: "low" as const, temperature: 0 };
    const before = (await cacheStats()).stores;
    const original = (await client.chat.completions.create(request)) as unknown as { choices: Array<{ message: Record<string, unknown> }> };
    expect(original.choices[0]!.message.reasoning_details).toBeDefined();
    await stored(before + 1);
    const calls = anthropicUpstream.requests.length;

    const streamed = (await client.chat.completions.stream(request).finalChatCompletion()) as unknown as { choices: Array<{ message: Record<string, unknown> }> };
    const again = (await client.chat.completions.create(request)) as unknown as { choices: Array<{ message: Record<string, unknown> }> };
    expect(anthropicUpstream.requests.length).toBe(calls);
    for (const replay of [streamed, again]) {
      expect(replay.choices[0]!.message.tool_calls).toEqual(original.choices[0]!.message.tool_calls);
      expect(replay.choices[0]!.message.reasoning_details).toEqual(original.choices[0]!.message.reasoning_details);
      expect(replay.choices[0]!.message.reasoning_content).toBe("Call get_weather.");
    }
  });
});

describe("the client decides", () => {
  test("Cache-Control: no-cache and x-cache: bypass skip the lookup; the fresh answer replaces the stored one", async () => {
    const request = question("Give me a fresh answer");
    openaiUpstream.enqueue({ kind: "json", body: defaultCompletion("gpt-4o-mini", "first answer") });
    const before = (await cacheStats()).stores;
    await client.chat.completions.create(request);
    await stored(before + 1);

    openaiUpstream.enqueue({ kind: "json", body: defaultCompletion("gpt-4o-mini", "second answer") });
    const bypassed = await client.chat.completions.create(request, { headers: { "cache-control": "no-cache" } }).withResponse();
    expect(bypassed.response.headers.get("x-cache")).toBe("BYPASS");
    expect(bypassed.data.choices[0]!.message.content).toBe("second answer");
    await stored(before + 2);
    expect((await client.chat.completions.create(request)).choices[0]!.message.content).toBe("second answer");

    openaiUpstream.enqueue({ kind: "json", body: defaultCompletion("gpt-4o-mini", "third answer") });
    const header = await client.chat.completions.create(request, { headers: { "x-cache": "bypass" } }).withResponse();
    expect(header.response.headers.get("x-cache")).toBe("BYPASS");
    expect(header.data.choices[0]!.message.content).toBe("third answer");
  });

  test("Cache-Control: no-store neither reads nor stores", async () => {
    const request = question("Do not keep this");
    const { response } = await client.chat.completions.create(request, { headers: { "cache-control": "no-store" } }).withResponse();
    expect(response.headers.get("x-cache")).toBe("BYPASS");
    await Bun.sleep(20);
    const again = await client.chat.completions.create(request).withResponse();
    expect(again.response.headers.get("x-cache")).toBe("MISS");
  });

  test("an answer sampled above CACHE_MAX_TEMPERATURE (or with no temperature, counted as 1) is not stored", async () => {
    for (const temperature of [0.9, undefined]) {
      const request = { ...question("Write a poem"), temperature };
      await client.chat.completions.create(request);
      await Bun.sleep(20);
      const again = await client.chat.completions.create(request).withResponse();
      expect(again.response.headers.get("x-cache")).toBe("MISS");
    }
    const cool = { ...question("Write a haiku"), temperature: 0.2 };
    const before = (await cacheStats()).stores;
    await client.chat.completions.create(cool);
    await stored(before + 1);
    expect((await client.chat.completions.create(cool).withResponse()).response.headers.get("x-cache")).toBe("HIT");
  });
});

describe("only complete, successful answers are stored", () => {
  /** Sends the request again after a moment; it must go upstream (a miss). */
  async function expectMissAgain(request: ReturnType<typeof question>) {
    await Bun.sleep(30);
    const calls = openaiUpstream.requests.length;
    const again = await client.chat.completions.create(request).withResponse();
    expect(again.response.headers.get("x-cache")).toBe("MISS");
    expect(openaiUpstream.requests.length).toBe(calls + 1);
  }

  test("an upstream error is not stored", async () => {
    const request = question("Fail first");
    openaiUpstream.enqueue({ kind: "error", status: 400, body: { error: { message: "bad request", type: "invalid_request_error", param: null, code: null } } });
    // The SDK's APIPromise runs lazily; awaited in a catch, not handed to expect().rejects.
    const failure = await client.chat.completions.create(request).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    await expectMissAgain(request);
  });

  test("a stream cut midway is not stored", async () => {
    const request = question("Cut me off");
    openaiUpstream.enqueue({ kind: "cut", name: "text-with-usage", lines: 2 });
    const { failure } = await readContent(await client.chat.completions.create({ ...request, stream: true }));
    expect(failure).toBeDefined();
    await expectMissAgain(request);
  });

  test("an answer the client left before its end is not stored", async () => {
    const request = question("I will leave");
    openaiUpstream.enqueue({ kind: "chunks", count: 50, intervalMs: 20 });
    const controller = new AbortController();
    const response = await fetch(`${proxy.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...request, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await waitFor(() => openaiUpstream.aborted > 0 || openaiUpstream.finished > 0, { what: "the upstream stream to end" });
    await expectMissAgain(request);
  });
});

describe("concurrent identical requests", () => {
  test("each goes upstream (no single flight); the next one after them is a hit", async () => {
    const request = question("Asked twice at once");
    openaiUpstream.enqueue(
      { kind: "json", body: defaultCompletion("gpt-4o-mini", "one"), delayMs: 200 },
      { kind: "json", body: defaultCompletion("gpt-4o-mini", "two"), delayMs: 200 },
    );
    const before = (await cacheStats()).stores;
    const calls = openaiUpstream.requests.length;
    const answers = await Promise.all([client.chat.completions.create(request).withResponse(), client.chat.completions.create(request).withResponse()]);
    expect(openaiUpstream.requests.length).toBe(calls + 2);
    expect(answers.map((answer) => answer.response.headers.get("x-cache"))).toEqual(["MISS", "MISS"]);
    await stored(before + 2);
    const third = await client.chat.completions.create(request).withResponse();
    expect(third.response.headers.get("x-cache")).toBe("HIT");
    expect(["one", "two"]).toContain(third.data.choices[0]!.message.content!);
    expect(openaiUpstream.requests.length).toBe(calls + 2);
  });
});
