import { afterAll, describe, expect, test } from "bun:test";
import { agentRequestBodies } from "../../bench/agent-requests";
import { parseOpenAIChatRequest } from "../../src/doors/openai/openai-request-schema";
import { type KeptText, parseJsonBody } from "../../src/doors/parse-json-body";
import { rememberClientElements } from "../../src/doors/remember-client-json";
import { createDirectChatCall } from "../../src/providers/openai-compatible/direct-chat-call";
import { sdkRequestTemplate } from "../../src/providers/openai-compatible/sdk-request-template";
import { upstreamBody } from "../../src/providers/openai-compatible/spliced-body";

/**
 * A large chat body spliced from the client's text is written into one buffer kept for the next
 * request when it goes to Bun's own fetch, which copies the body before it returns
 * (spliced-body.ts `transient`). Pinned here: that Bun's fetch does copy, and that each of several
 * requests sent back to back (no await between them) reaches the upstream with its own bytes,
 * through Bun's fetch and through a fetch that reads the body later.
 */
const received: string[] = [];
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    received.push(await request.text());
    return Response.json({ id: "x", object: "chat.completion", created: 0, model: "m", choices: [] });
  },
});
afterAll(() => server.stop(true));
const origin = `http://127.0.0.1:${server.port}`;

/** Agent bodies as the door leaves them: parsed from the client's text, with their elements remembered. */
function doorRequests(count: number): Array<Record<string, unknown>> {
  const next = agentRequestBodies("cline", 100_000);
  return Array.from({ length: count }, () => {
    const kept: KeptText = {};
    const parsed = parseJsonBody(new TextEncoder().encode(next()), kept);
    const request = parseOpenAIChatRequest(parsed).data as Record<string, unknown>;
    rememberClientElements(kept, parsed, request);
    return { ...request, model: "gpt-4o-mini" };
  });
}

describe("the upstream body in a kept buffer", () => {
  test("Bun's fetch sends the bytes its body held when it was called", async () => {
    for (const size of [100, 300_000]) {
      received.length = 0;
      const bytes = new Uint8Array(size).fill(97);
      const sent = fetch(origin, { method: "POST", body: bytes.subarray(0, size) });
      bytes.fill(98);
      await sent;
      expect(received).toEqual(["a".repeat(size)]);
    }
  });

  for (const [name, fetchFor] of [
    ["Bun's fetch", () => fetch],
    ["a fetch that reads the body on a later turn", () => (async (url, init) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return fetch(url, init);
    }) as typeof fetch],
  ] as const) {
    test(`requests sent back to back each reach the upstream with their own body: ${name}`, async () => {
      received.length = 0;
      const requests = doorRequests(3);
      // Spliced, or the kept buffer is not what is tested.
      expect(upstreamBody(requests[0]!)).toBeInstanceOf(Uint8Array);
      const call = createDirectChatCall(sdkRequestTemplate({ apiKey: "k", baseUrl: `${origin}/v1` })!, fetchFor());
      await Promise.all(requests.map((request) => call.send(request, new AbortController().signal)));
      const expected = requests.map((request) => JSON.parse(JSON.stringify(request)) as unknown);
      const sentBodies = received.map((text) => JSON.parse(text) as { messages: unknown[] });
      // The last turn (a tool result each call), its members in one order: a spliced turn keeps the client's.
      const questions = (body: { messages: unknown[] }) => JSON.stringify(Object.entries(body.messages.at(-1) as object).sort());
      expect(sentBodies.map(questions).sort()).toEqual(expected.map((body) => questions(body as { messages: unknown[] })).sort());
      for (const body of sentBodies) expect(expected).toContainEqual(body);
    });
  }
});
