import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { APIError } from "openai";
import { eq } from "drizzle-orm";
import { requestLog } from "../../src/db/schema";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { SseReader } from "../helpers/sse-reader";
import { sharedTestDatabase } from "../helpers/test-database";
import { giveUpBeforeAnswer } from "../helpers/give-up-before-answer";
import { expectStreamTimings } from "../helpers/log-timings";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * A stream's life through the proxy: chunks pass on as they come, a client that leaves stops the
 * upstream, silence is bridged by heartbeats, and every way a stream can break ends in an error
 * event for the client and a failure row in the log.
 */
const HEARTBEAT_MS = 50;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startOpenAIDoorProxy({
    STREAM_HEARTBEAT_MS: String(HEARTBEAT_MS),
    CONSECUTIVE_FAILURE_LIMIT: "1000",
  }));
});

afterAll(async () => {
  await close?.();
});

type Chunk = { choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: unknown; error?: Record<string, unknown> };

function streamRequest(extra: Record<string, unknown> = {}, signal?: AbortSignal, origin = proxy.origin) {
  return fetch(`${origin}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true, ...extra }),
    signal,
  });
}

/** Waits (bounded) for an event the test cannot await directly, such as the mock noticing an abort. */
const eventually = (condition: () => boolean, what: string) => waitFor(condition, { what });

const contentOf = (chunks: Chunk[]) => chunks.map((chunk) => (chunk.choices[0]?.delta.content as string | undefined) ?? "").join("");

describe("delivery", () => {
  test("the first chunk reaches the client while the upstream is still sending", async () => {
    const finishedBefore = upstream.finished;
    const intervalMs = 50;
    upstream.enqueue({ kind: "chunks", count: 12, intervalMs });
    const response = await streamRequest();
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-task-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-provider")).toBe("openai");
    expect(response.headers.get("x-model")).toBe("gpt-4o-mini");
    const reader = new SseReader(response);
    const first = (await reader.nextData())!.data as Chunk;
    expect(first.choices[0]!.delta.role).toBe("assistant");
    // The upstream has more to send: had the proxy buffered the answer, it would have finished by now.
    expect(upstream.finished).toBe(finishedBefore);

    const rest = (await reader.rest()).filter((block) => block.data !== undefined);
    expect(rest.at(-1)!.data).toBe("[DONE]");
    expect(contentOf(rest.slice(0, -1).map((block) => block.data as Chunk))).toBe(Array.from({ length: 12 }, (_, index) => `token${index} `).join(""));
    expect(upstream.finished).toBe(finishedBefore + 1);
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ status: 200, stream: true, finishReason: "stop", tokensIn: 50, tokensOut: 12 });
    // The first text came one interval after the role chunk, the last eleven intervals later.
    expectStreamTimings(row, intervalMs);
    expect(row!.latencyMs - row!.ttftMs!).toBeGreaterThanOrEqual(10 * intervalMs);
  });

  test("Ollama's delta.reasoning arrives as reasoning_content, never mixed into content", async () => {
    upstream.enqueue({ kind: "fixture", name: "reasoning-ollama" });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], stream: true });
    const deltas: Array<Record<string, unknown>> = [];
    for await (const chunk of stream) if (chunk.choices[0]) deltas.push(chunk.choices[0].delta as Record<string, unknown>);
    expect(deltas.map((delta) => delta.reasoning_content ?? "").join("")).toBe("The user greets me.");
    expect(deltas.map((delta) => delta.content ?? "").join("")).toBe("Hi there!");
    expect(deltas.some((delta) => "reasoning" in delta)).toBe(false);
  });

  test("usage is stripped from the stream unless stream_options.include_usage", async () => {
    upstream.enqueue({ kind: "fixture", name: "reasoning-ollama" });
    const without = (await new SseReader(await streamRequest()).rest()).map((block) => block.data).filter((data) => typeof data === "object") as Chunk[];
    expect(without.length).toBeGreaterThan(0);
    expect(without.filter((chunk) => chunk.usage != null)).toEqual([]);
    expect(without.some((chunk) => chunk.choices.length === 0)).toBe(false);

    upstream.enqueue({ kind: "fixture", name: "reasoning-ollama" });
    const withUsage = (await new SseReader(await streamRequest({ stream_options: { include_usage: true } })).rest())
      .map((block) => block.data)
      .filter((data) => typeof data === "object") as Chunk[];
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 } });
    // Either way the upstream was asked for usage, so the log has the tokens.
    expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
  });
});

describe("the client goes away", () => {
  test("a disconnect mid-stream aborts the upstream request and logs 499 client_closed", async () => {
    const abortedBefore = upstream.aborted;
    const finishedBefore = upstream.finished;
    upstream.enqueue({ kind: "chunks", count: 200, intervalMs: 20 });
    const disconnect = new AbortController();
    const response = await streamRequest({}, disconnect.signal);
    const reader = new SseReader(response);
    await reader.nextData();
    await reader.nextData();
    disconnect.abort();

    await eventually(() => upstream.aborted > abortedBefore, "the upstream request was aborted");
    expect(upstream.finished).toBe(finishedBefore);
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ status: 499, errorType: "client_closed", provider: "openai", stream: true });
  });

  test("an SDK client that stops iterating (the user pressed stop) aborts the upstream too", async () => {
    const abortedBefore = upstream.aborted;
    upstream.enqueue({ kind: "chunks", count: 200, intervalMs: 20 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Write a lot" }], stream: true })
      .withResponse();
    let seen = 0;
    for await (const _chunk of stream) if (++seen === 3) break;

    await eventually(() => upstream.aborted > abortedBefore, "the upstream request was aborted");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ status: 499, errorType: "client_closed" });
  });
});

describe("the client gives up before the answer starts", () => {
  /** The row of a request whose response the client never saw, found by its unique user agent. */
  async function rowByUserAgent(userAgent: string) {
    const database = await sharedTestDatabase();
    for (let attempt = 0; attempt < 200; attempt++) {
      await proxy.proxy.logWriter.flush();
      const [row] = await database.db.select().from(requestLog).where(eq(requestLog.userAgent, userAgent));
      if (row) return row;
      await Bun.sleep(10);
    }
    throw new Error(`no row for ${userAgent}`);
  }

  for (const stream of [true, false]) {
    test(`${stream ? "streaming" : "non-streaming"}: the waiting upstream call is aborted and the row says 499 client_closed`, async () => {
      const userAgent = await giveUpBeforeAnswer(upstream, proxy, stream);
      expect(await rowByUserAgent(userAgent)).toMatchObject({ status: 499, errorType: "client_closed", provider: "openai", stream });
    });
  }
});

describe("silence", () => {
  test("a long upstream pause is bridged with ': keep-alive' comments and the stream completes", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage", pause: { afterLines: 2, ms: HEARTBEAT_MS * 8 } });
    const response = await streamRequest();
    const blocks = await new SseReader(response).rest();
    const hello = blocks.findIndex((block) => (block.data as Chunk | undefined)?.choices?.[0]?.delta.content === "Hello");
    const bang = blocks.findIndex((block) => (block.data as Chunk | undefined)?.choices?.[0]?.delta.content === "!");
    const heartbeats = blocks.slice(hello + 1, bang).filter((block) => block.raw === ": keep-alive");
    expect(hello).toBeGreaterThanOrEqual(0);
    expect(heartbeats.length).toBeGreaterThanOrEqual(1);
    expect(blocks.at(-1)!.data).toBe("[DONE]");
    expect(await proxy.logRow(response.headers.get("x-task-id")!)).toMatchObject({ status: 200, finishReason: "stop" });
  });

  test("an upstream silent mid-stream past UPSTREAM_IDLE_TIMEOUT_MS: an error event ends the stream, the upstream call is aborted, the row says 504", async () => {
    const impatient = await startTestProxy({
      OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
      OPENAI_BASE_URL: upstream.url,
      STREAM_HEARTBEAT_MS: String(HEARTBEAT_MS),
      UPSTREAM_IDLE_TIMEOUT_MS: String(HEARTBEAT_MS * 6),
    });
    try {
      // Pauses shorter than the idle timeout pass, heartbeats and all.
      upstream.enqueue({ kind: "fixture", name: "text-with-usage", pause: { afterLines: 2, ms: HEARTBEAT_MS * 3 } });
      expect((await new SseReader(await streamRequest({}, undefined, impatient.origin)).rest()).at(-1)!.data).toBe("[DONE]");

      const abortedBefore = upstream.aborted;
      upstream.enqueue({ kind: "stall", name: "text-with-usage", lines: 2 });
      const response = await streamRequest({}, undefined, impatient.origin);
      const blocks = await new SseReader(response).rest();
      const data = blocks.map((block) => block.data).filter((item) => typeof item === "object") as Chunk[];
      expect(contentOf(data.filter((chunk) => !chunk.error))).toBe("Hello");
      expect(blocks.some((block) => block.raw === ": keep-alive")).toBe(true);
      expect(data.at(-1)!.error).toMatchObject({ type: "timeout_error", code: "upstream_idle_timeout" });
      expect(data.at(-1)!.error!.message).toContain("UPSTREAM_IDLE_TIMEOUT_MS");
      expect(blocks.at(-1)!.data).toBe("[DONE]");
      await eventually(() => upstream.aborted === abortedBefore + 1, "the stalled upstream call is aborted");
      const row = await impatient.logRow(response.headers.get("x-task-id")!);
      expect(row).toMatchObject({ status: 504, errorType: "timeout_error", stream: true, provider: "openai" });
    } finally {
      await impatient.close();
    }
  });

  test("the official client reads through heartbeats", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage", pause: { afterLines: 1, ms: HEARTBEAT_MS * 5 } });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(contentOf(chunks as unknown as Chunk[])).toBe("Hello! How can I help?");
  });
});

describe("the upstream breaks mid-stream", () => {
  test("a cut connection ends the client's stream with an error event and logs a failure", async () => {
    upstream.enqueue({ kind: "cut", name: "text-with-usage", lines: 3 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    } catch (error) {
      failure = error;
    }
    expect(seen.join("")).toBe("Hello!");
    expect(failure).toBeInstanceOf(APIError);
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ status: 502, errorType: "upstream_error", stream: true });
    expect(row!.errorMessage).toBe("The connection to the upstream was lost mid-stream (ECONNRESET).");
    expect(row!.provider).toBe("openai");
  });

  test("the error event of a cut stream is an OpenAI error object", async () => {
    upstream.enqueue({ kind: "cut", name: "text-with-usage", lines: 2 });
    const blocks = await new SseReader(await streamRequest()).rest();
    const errors = blocks.filter((block) => typeof block.data === "object" && "error" in (block.data as object));
    expect(errors).toHaveLength(1);
    const error = (errors[0]!.data as { error: Record<string, unknown> }).error;
    expect(Object.keys(error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(error.type).toBe("upstream_error");
  });

  test("a malformed upstream event becomes an error event and a logged failure", async () => {
    upstream.enqueue({ kind: "fixture", name: "malformed-event" });
    const response = await streamRequest();
    const blocks = await new SseReader(response).rest();
    const data = blocks.map((block) => block.data).filter((item) => typeof item === "object") as Chunk[];
    expect(contentOf(data.filter((chunk) => !chunk.error))).toBe("ok");
    expect(data.at(-1)).toEqual({
      error: { message: "The upstream sent a malformed stream event.", type: "upstream_error", code: "malformed_upstream_event", param: null },
    } as unknown as Chunk);
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ status: 502, errorType: "upstream_error" });
  });
});
