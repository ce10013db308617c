import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { claudeCodeMessagesBodies } from "../../bench/claude-code-messages";
import { MAX_KEPT_BODIES, forgetTurns, keptTurnsSize } from "../../src/doors/resent-turns";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Claude Code's successive turns through the Anthropic door, each its whole conversation again:
 * from the second on, the door takes the resent turns' parsed values (doors/resent-turns.ts), and
 * the mock Anthropic API must still receive each body exactly as the client sent it: the moved
 * cache mark, signed thinking, non-ASCII text, a byte changed in an early turn, a changed system
 * prompt, two sessions interleaved. One session's kept bodies stay one (each replaces the last,
 * which happens only when its turns were taken), so the door did reuse them.
 */
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: "sk-ant-resent-upstream-key" });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: "sk-ant-resent-upstream-key", ANTHROPIC_BASE_URL: upstream.url, COMPRESSION: "off" });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

beforeEach(() => forgetTurns());

/** Sends the body as Claude Code does; returns what the mock Anthropic API received. */
async function send(text: string): Promise<Record<string, unknown>> {
  const before = upstream.requests.length;
  const response = await fetch(`${proxy.origin}/v1/messages?beta=true`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "any", "anthropic-version": "2023-06-01", "anthropic-beta": "claude-code-20250219", "user-agent": "claude-cli/2.1.332 (external, cli)" },
    body: text,
  });
  expect(response.status).toBe(200);
  await response.text();
  expect(upstream.requests.length).toBe(before + 1);
  return upstream.requests.at(-1)!.body;
}

async function expectReceivedAsSent(text: string): Promise<Record<string, unknown>> {
  const received = await send(text);
  expect(received).toEqual(JSON.parse(text) as Record<string, unknown>);
  return received;
}

type Body = { messages: Array<{ role: string; content: Array<Record<string, unknown>> }>; system: Array<{ text: string }> };

test("successive turns: each reaches Anthropic as sent, the moved cache mark and signed thinking included", async () => {
  const next = claudeCodeMessagesBodies(200_000);
  let previous: Body | undefined;
  for (let turn = 0; turn < 6; turn++) {
    const text = next();
    const received = (await expectReceivedAsSent(text)) as unknown as Body;
    const marked = received.messages.flatMap((message, index) => (message.content.some((block) => block.cache_control) ? [index] : []));
    expect(marked).toEqual([received.messages.length - 1]);
    if (previous) expect(received.messages[previous.messages.length - 1]!.content.some((block) => block.cache_control)).toBe(false);
    expect(received.messages[1]!.content[0]).toMatchObject({ type: "thinking", signature: expect.stringMatching(/^c2lnbmVk/) });
    previous = received;
    expect(keptTurnsSize().bodies).toBe(1);
  }
}, 60_000);

test("non-ASCII text in every turn", async () => {
  const next = claudeCodeMessagesBodies(200_000, { nonAscii: true });
  for (let turn = 0; turn < 4; turn++) await expectReceivedAsSent(next());
  expect(keptTurnsSize().bodies).toBe(1);
}, 60_000);

test("one changed byte in an early turn, a changed system prompt, a cache mark moved back: each as sent", async () => {
  const next = claudeCodeMessagesBodies(200_000);
  await expectReceivedAsSent(next());
  const changes: Array<(body: Body) => void> = [
    (body) => {
      const block = body.messages[2]!.content[0]!;
      const content = String(block.content);
      block.content = `${content.slice(0, 30)}X${content.slice(31)}`;
    },
    (body) => {
      body.system[1]!.text += " Changed.";
    },
    (body) => {
      // A mark on an early tool result that had none: its bytes differ, the turns before it are still resent.
      body.messages[4]!.content[0]!.cache_control = { type: "ephemeral", ttl: "1h" };
    },
  ];
  for (const change of changes) {
    const text = next();
    await expectReceivedAsSent(text);
    const changed = JSON.parse(text) as Body;
    change(changed);
    const received = (await expectReceivedAsSent(JSON.stringify(changed))) as unknown as Body;
    expect(received).toEqual(changed);
  }
  expect(keptTurnsSize().bodies).toBeGreaterThan(0);
}, 60_000);

test("two sessions interleaved: each turn as sent, each session resent from its own kept body", async () => {
  const sessions = [claudeCodeMessagesBodies(200_000), claudeCodeMessagesBodies(150_000, { nonAscii: true })];
  for (let turn = 0; turn < 8; turn++) await expectReceivedAsSent(sessions[turn % 2]!());
  expect(keptTurnsSize().bodies).toBe(2);
  expect(keptTurnsSize().bodies).toBeLessThanOrEqual(MAX_KEPT_BODIES);
}, 60_000);
