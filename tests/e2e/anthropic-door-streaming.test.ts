import { afterAll, beforeAll, expect, test } from "bun:test";
import { grammarViolations, parseAnthropicSse } from "../helpers/anthropic-stream-grammar";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * Streams of the Anthropic door over a real socket: a silent upstream is bridged with Anthropic's
 * own `event: ping` (never an SSE comment), a cut upstream connection ends the stream with an error
 * event after the open block stops, and a client that leaves mid-stream cancels the upstream. Each
 * request is logged once, with how it ended.
 */
const HEARTBEAT_MS = 50;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-door-streaming-00000", OPENAI_BASE_URL: upstream.url, STREAM_HEARTBEAT_MS: String(HEARTBEAT_MS) });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const stream = (signal?: AbortSignal) =>
  fetch(`${proxy.origin}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "any", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "openai:gpt-4o-mini", max_tokens: 256, stream: true, messages: [{ role: "user", content: "Hello" }] }),
    signal,
  });

async function loggedOnce(taskId: string) {
  await waitFor(() => proxy.records.count(taskId) > 0, { what: `a log record for ${taskId}` });
  await proxy.proxy.logWriter.flush();
  expect(proxy.records.count(taskId)).toBe(1);
  return proxy.records.rows(taskId)[0]!;
}

test("a silent upstream is bridged with event: ping, and the stream completes in Anthropic's grammar", async () => {
  upstream.enqueue({ kind: "fixture", name: "text-with-usage", pause: { afterLines: 2, ms: HEARTBEAT_MS * 8 } });
  const response = await stream();
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const text = await response.text();
  expect(text).not.toContain(": keep-alive");
  const events = parseAnthropicSse(text);
  expect(grammarViolations(events)).toEqual([]);
  const pings = events.filter((event) => event.data.type === "ping");
  expect(pings.length).toBeGreaterThanOrEqual(2);
  expect(text).toContain('event: ping\ndata: {"type": "ping"}\n\n');
  // The pings come while the text block is open, between its deltas.
  const types = events.map((event) => event.data.type);
  expect(types.indexOf("ping")).toBeGreaterThan(types.indexOf("content_block_start"));
  expect((await loggedOnce(response.headers.get("x-task-id")!)).status).toBe(200);
});

test("a cut upstream connection: the open block stops, an error event ends the stream, the failure is logged once", async () => {
  upstream.enqueue({ kind: "cut", name: "text-with-usage", lines: 3 });
  const response = await stream();
  const events = parseAnthropicSse(await response.text());
  expect(grammarViolations(events)).toEqual([]);
  // Keep-alive pings may come while the mock waits to cut; they are allowed anywhere.
  expect(events.map((event) => event.data.type).filter((type) => type !== "ping")).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "error"]);
  expect(events.at(-1)!.data).toMatchObject({ type: "error", error: { type: "api_error" } });
  const row = await loggedOnce(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ door: "anthropic", status: 502, errorType: "upstream_error" });
});

test("a client that leaves mid-stream cancels the upstream; the request is logged once as 499", async () => {
  upstream.enqueue({ kind: "chunks", count: 200, intervalMs: 10 });
  const abort = new AbortController();
  const aborted = upstream.aborted;
  const response = await stream(abort.signal);
  const reader = response.body!.getReader();
  await reader.read();
  abort.abort();
  await reader.read().catch(() => undefined);
  await waitFor(() => upstream.aborted > aborted, { what: "the upstream to see the abort" });
  const row = await loggedOnce(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ door: "anthropic", status: 499 });
});
