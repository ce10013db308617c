import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { readFixtureLines } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * An upstream that ends its body a moment after `data: [DONE]` (the chunked terminator in a later
 * packet). Cancelling the body at `[DONE]` closed the connection, so every stream paid for a new one
 * (and, on a real upstream, a TLS handshake); the proxy now reads such a body to its end, within
 * bounds, and the connection is reused. The client's stream still ends at `[DONE]`. A body that
 * never ends after `[DONE]` is cancelled after those bounds.
 */
const encoder = new TextEncoder();
let tailMs = 50;
let bodiesOpen = 0;
let bodiesCancelled = 0;
const clientPorts: number[] = [];
let proxy: TestProxy;

const upstream = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request, server) {
    clientPorts.push(server.requestIP(request)!.port);
    const lines = readFixtureLines("text-with-usage");
    const tail = tailMs;
    return new Response(
      new ReadableStream<Uint8Array>({
        async start(controller) {
          bodiesOpen++;
          for (const line of lines) controller.enqueue(encoder.encode(`data: ${line}\n\n`));
          // The fixture's last event is `data: [DONE]`; the body itself ends only after the tail.
          await Bun.sleep(tail);
          bodiesOpen--;
          try {
            controller.close();
          } catch {
            // Cancelled meanwhile.
          }
        },
        cancel() {
          bodiesCancelled++;
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
  },
});

beforeAll(async () => {
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-connection-reuse", OPENAI_BASE_URL: `http://127.0.0.1:${upstream.port}/v1` });
});

afterAll(async () => {
  await proxy.close();
  upstream.stop(true);
});

const client = () => new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });

async function streamOnce(): Promise<{ text: string; bodyOpenAtEnd: boolean }> {
  const stream = await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return { text, bodyOpenAtEnd: bodiesOpen > 0 };
}

test("the upstream connection is reused when the body ends a moment after [DONE]; the client's stream ends at [DONE]", async () => {
  expect(readFixtureLines("text-with-usage").at(-1)).toBe("[DONE]");
  tailMs = 50;
  clientPorts.length = 0;
  const ends = [];
  for (let index = 0; index < 4; index++) {
    ends.push(await streamOnce());
    // The drained body has ended before the next request goes out.
    await waitFor(() => bodiesOpen === 0, { what: "the upstream body to end" });
  }
  expect(ends.map((end) => end.text)).toEqual(Array(4).fill("Hello! How can I help?"));
  // The client was answered while the upstream's body was still open: nothing waited for its end.
  expect(ends.every((end) => end.bodyOpenAtEnd)).toBe(true);
  expect(clientPorts).toHaveLength(4);
  expect(new Set(clientPorts).size).toBe(1);
});

test("a body that never ends after [DONE] is cancelled, not read forever", async () => {
  tailMs = 60_000;
  const cancelledBefore = bodiesCancelled;
  const end = await streamOnce();
  expect(end.text).toBe("Hello! How can I help?");
  await waitFor(() => bodiesCancelled > cancelledBefore, { what: "the endless body to be cancelled", timeoutMs: 5_000 });
  tailMs = 50;
});
