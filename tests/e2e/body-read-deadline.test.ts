import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Socket } from "bun";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A client that trickles its body in (a byte every 100 ms here, a byte a second in the wild) gets a
 * 408 in its door's wire format once BODY_READ_TIMEOUT_MS has passed, a logged row, and its
 * connection closed, instead of holding the connection for as long as it keeps sending.
 */
const DEADLINE_MS = 600;
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-body-deadline-000000", OPENAI_BASE_URL: upstream.url, BODY_READ_TIMEOUT_MS: String(DEADLINE_MS) });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

interface Trickled {
  response: string;
  closedAfterMs: number;
}

/** Sends the headers, then the body one byte every 100 ms until the server answers and closes (at most 10 s). */
async function trickle(path: string, headers: Record<string, string>, body: string, chunked = false): Promise<Trickled> {
  const { port } = new URL(proxy.origin);
  let response = "";
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const socket: Socket = await Bun.connect({
    hostname: "127.0.0.1",
    port: Number(port),
    socket: { data: (_socket, chunk) => void (response += chunk.toString()), close: () => closed(), error: () => closed() },
  });
  const started = performance.now();
  const lines = [`POST ${path} HTTP/1.1`, `host: 127.0.0.1:${port}`, "content-type: application/json", ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  lines.push(chunked ? "transfer-encoding: chunked" : `content-length: ${Buffer.byteLength(body)}`);
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  let open = true;
  void done.then(() => (open = false));
  for (let index = 0; index < body.length && open && performance.now() - started < 10_000; index++) {
    socket.write(chunked ? `1\r\n${body[index]}\r\n` : body[index]!);
    await Bun.sleep(100);
  }
  socket.end();
  await done;
  return { response, closedAfterMs: performance.now() - started };
}

const chat = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(400) }] });

describe("a body that trickles in", () => {
  test("OpenAI door: a 408 in the OpenAI error shape, logged, the connection closed", async () => {
    const { response, closedAfterMs } = await trickle("/v1/chat/completions", {}, chat);
    expect(response).toStartWith("HTTP/1.1 408");
    const body = JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4)) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ code: "request_timeout" });
    expect(body.error.message).toContain("BODY_READ_TIMEOUT_MS");
    expect(closedAfterMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(closedAfterMs).toBeLessThan(DEADLINE_MS + 2_000);
    const taskId = /x-task-id: ([0-9a-f-]{36})/i.exec(response)![1]!;
    expect(await proxy.logRow(taskId)).toMatchObject({ status: 408, door: "openai" });
  }, 15_000);

  test("chunked: the same 408", async () => {
    const { response, closedAfterMs } = await trickle("/v1/chat/completions", {}, chat, true);
    expect(response).toStartWith("HTTP/1.1 408");
    expect(closedAfterMs).toBeLessThan(DEADLINE_MS + 2_000);
  }, 15_000);

  test("Anthropic door: a 408 in Anthropic's error shape", async () => {
    const body = JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "x".repeat(400) }] });
    const { response } = await trickle("/v1/messages", { "anthropic-version": "2023-06-01" }, body);
    expect(response).toStartWith("HTTP/1.1 408");
    const parsed = JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4)) as { type: string; error: { type: string; message: string } };
    expect(parsed.type).toBe("error");
    expect(parsed.error.message).toContain("BODY_READ_TIMEOUT_MS");
  }, 15_000);

  test("Responses door: a 408 in the Responses error shape", async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", input: "x".repeat(400) });
    const { response } = await trickle("/v1/responses", {}, body);
    expect(response).toStartWith("HTTP/1.1 408");
    expect(response).toContain("BODY_READ_TIMEOUT_MS");
  }, 15_000);

  test("a body sent at once is served as before", async () => {
    const answer = await fetch(`${proxy.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: chat });
    expect(answer.status).toBe(200);
  });
});
