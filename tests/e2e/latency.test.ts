import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { expectStreamTimings } from "../helpers/log-timings";
import { defaultCompletion, type MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { readContent } from "../helpers/read-content";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";

/**
 * The logged clocks measure what they say: a known upstream delay shows up in the time to first
 * token and in the latency, and the first token is timed when it arrives, not when the stream ends.
 */
const UPSTREAM_DELAY_MS = 150;
/** Between lines after the first token: the text-with-usage fixture has six more lines after it. */
const LINE_INTERVAL_MS = 40;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startOpenAIDoorProxy());
});

afterAll(async () => {
  await close?.();
});

const hello = [{ role: "user" as const, content: "Hello" }];

describe("latency and time to first token", () => {
  test("a stream from a slow upstream: the first token is timed from the request's arrival", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage", delayMs: UPSTREAM_DELAY_MS });
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true }).withResponse();
    expect((await readContent(stream)).text).toBe("Hello! How can I help?");
    expectStreamTimings(await proxy.logRow(response.headers.get("x-task-id")!), UPSTREAM_DELAY_MS);
  });

  test("a stream that starts at once but thinks before its first text: the first token waits for the text", async () => {
    // The headers and the role-only first line come at once; the first text waits UPSTREAM_DELAY_MS.
    upstream.enqueue({ kind: "fixture", name: "text-with-usage", intervalMs: LINE_INTERVAL_MS, pause: { afterLines: 1, ms: UPSTREAM_DELAY_MS } });
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true }).withResponse();
    expect((await readContent(stream)).text).toBe("Hello! How can I help?");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expectStreamTimings(row, UPSTREAM_DELAY_MS);
    // The rest of the stream came after the first token; a first token timed at the end would not see this.
    expect(row!.latencyMs - row!.ttftMs!).toBeGreaterThanOrEqual(3 * LINE_INTERVAL_MS);
  });

  test("a completion: the latency includes the upstream's delay; there is no first token apart from the whole answer", async () => {
    upstream.enqueue({ kind: "json", body: defaultCompletion("gpt-4o-mini"), delayMs: UPSTREAM_DELAY_MS });
    const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello }).withResponse();
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row!.latencyMs).toBeGreaterThanOrEqual(UPSTREAM_DELAY_MS);
    expect(row!.ttftMs).toBeNull();
  });
});
