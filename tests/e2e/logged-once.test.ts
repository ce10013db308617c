import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { APIError } from "openai";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { giveUpBeforeAnswer } from "../helpers/give-up-before-answer";
import { readContent } from "../helpers/read-content";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * Every request is logged exactly once, however it ends. The database cannot show this (a second
 * insert for a task id is skipped), so the proxy's log sink is counted before the write.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startOpenAIDoorProxy({ CONSECUTIVE_FAILURE_LIMIT: "1000" }));
});

afterAll(async () => {
  await close?.();
});

const hello = [{ role: "user" as const, content: "Hello" }];

/**
 * The task's records once the request is over. A duplicate from a second exit path lands within
 * the same few event-loop turns as the first record; the flush (a database round trip) gives them
 * all time to arrive before counting.
 */
async function recordsOnceSettled(taskId: string) {
  await waitFor(() => proxy.records.count(taskId) > 0, { what: `a log record for ${taskId}` });
  await proxy.proxy.logWriter.flush();
  await Bun.sleep(0);
  return proxy.records.rows(taskId);
}

describe("one log record per request", () => {
  test("a completion", async () => {
    const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello }).withResponse();
    const rows = await recordsOnceSettled(response.headers.get("x-task-id")!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, stream: false });
  });

  test("a stream read to its end", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true }).withResponse();
    expect(await readContent(stream)).toEqual({ text: "Hello! How can I help?", failure: undefined });
    const rows = await recordsOnceSettled(response.headers.get("x-task-id")!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, stream: true, finishReason: "stop" });
  });

  test("a stream whose upstream connection is cut mid-stream", async () => {
    upstream.enqueue({ kind: "cut", name: "text-with-usage", lines: 3 });
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true }).withResponse();
    const { text, failure } = await readContent(stream);
    expect(text).toBe("Hello!");
    expect(failure).toBeInstanceOf(APIError);
    const rows = await recordsOnceSettled(response.headers.get("x-task-id")!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 502, errorType: "upstream_error" });
  });

  test("a stream that carries an error event mid-stream", async () => {
    upstream.enqueue({ kind: "fixture", name: "mid-stream-error" });
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true }).withResponse();
    expect((await readContent(stream)).failure).toBeInstanceOf(APIError);
    const rows = await recordsOnceSettled(response.headers.get("x-task-id")!);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe(502);
  });

  test("a client that leaves mid-stream", async () => {
    const abortedBefore = upstream.aborted;
    upstream.enqueue({ kind: "chunks", count: 200, intervalMs: 20 });
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: hello, stream: true }).withResponse();
    let seen = 0;
    for await (const _chunk of stream) if (++seen === 3) break;
    // The upstream notices the abort only after the proxy has finished with the request.
    await waitFor(() => upstream.aborted > abortedBefore, { what: "the upstream request to be aborted" });
    const rows = await recordsOnceSettled(response.headers.get("x-task-id")!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 499, errorType: "client_closed" });
  });

  for (const stream of [true, false]) {
    test(`a client that gives up before the answer starts (${stream ? "streaming" : "not streaming"})`, async () => {
      const userAgent = await giveUpBeforeAnswer(upstream, proxy, stream);
      await waitFor(() => proxy.records.all().some((row) => row.userAgent === userAgent), { what: "a log record" });
      const rows = await recordsOnceSettled(proxy.records.all().find((row) => row.userAgent === userAgent)!.taskId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 499, errorType: "client_closed" });
    });
  }

  test("a request rejected for bad input (invalid JSON, a wrong type, an unknown model)", async () => {
    const invalidJson = await fetch(`${proxy.origin}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"model": "gpt-4o-mini", "messages": [' });
    expect(invalidJson.status).toBe(400);
    const failures = [invalidJson.headers];
    for (const body of [{ model: "gpt-4o-mini", messages: hello, temperature: "hot" as unknown as number }, { model: "gpt-4o-mnii", messages: hello }]) {
      const failure = await client.chat.completions.create(body).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(APIError);
      failures.push((failure as APIError).headers!);
    }
    for (const headers of failures) {
      const rows = await recordsOnceSettled(headers.get("x-task-id")!);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBeGreaterThanOrEqual(400);
    }
  });
});
