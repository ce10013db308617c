import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { forgetTurns, keptTurnsSize } from "../../src/doors/resent-turns";
import { startTestProxy, type TestProxy } from "../helpers/test-proxy";
import { defaultCompletion, readFixtureLines } from "../helpers/mock-openai-upstream";
import { startMockAnthropicUpstream, type MockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type RawHttpCapture, startRawHttpCapture } from "../helpers/raw-http-capture";

/**
 * From outside: bodies an agent-like client writes (successive turns, two sessions, compaction, an
 * edited system prompt, keys reordered, escapes and non-ASCII text, duplicate keys, another model,
 * at once, streamed) reach the upstream as the value the client sent, and as the same body sent
 * alone with nothing kept (doors/resent-turns.ts). PROBE_COMPRESSION=safe runs it with compression.
 */
let capture: RawHttpCapture;
let proxy: TestProxy;
let client: OpenAI;
let anthropic: MockAnthropicUpstream;

beforeAll(async () => {
  capture = startRawHttpCapture((request) => {
    const body = JSON.parse(request.body) as { model: string; stream?: boolean };
    if (body.stream) return { status: 200, contentType: "text/event-stream", body: readFixtureLines("text-with-usage").map((line) => `data: ${line}\n\n`).join("") };
    return { status: 200, contentType: "application/json", body: JSON.stringify(defaultCompletion(body.model)) };
  });
  anthropic = startMockAnthropicUpstream();
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: "sk-ant-test-key-1234567890", ANTHROPIC_BASE_URL: anthropic.url, OPENAI_API_KEY: "sk-test-upstream-key-1234567890", OPENAI_BASE_URL: `${capture.origin}/v1`, COMPRESSION: process.env.PROBE_COMPRESSION ?? "off" });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0, fetch: (url, init) => fetch(url, { ...init, body: (JSON.parse(String(init!.body)) as { __text: string }).__text }) });
});
afterAll(async () => {
  await proxy.close();
  capture.close();
  await anthropic.close();
});

/** Sends the text as written, through the SDK (its fetch swaps in the text), reading a stream to its end. */
async function sendText(text: string): Promise<void> {
  const parsed = JSON.parse(text) as { stream?: boolean };
  if (parsed.stream) {
    const stream = (await client.chat.completions.create({ __text: text, model: "x", messages: [], stream: true } as never)) as unknown as AsyncIterable<unknown>;
    for await (const _chunk of stream) {
      // Read to the end.
    }
  } else {
    await client.chat.completions.create({ __text: text, model: "x", messages: [] } as never);
  }
}

/** Each body's upstream value, sent in order (warm), then each alone after forgetting (cold). */
async function warmAndCold(texts: string[], concurrent = false): Promise<{ warm: unknown[]; cold: unknown[] }> {
  forgetTurns();
  const start = capture.requests.length;
  if (concurrent) await Promise.all(texts.map(sendText));
  else for (const text of texts) await sendText(text);
  const warm = capture.requests.slice(start).map((r) => JSON.parse(r.body));
  const cold: unknown[] = [];
  for (const text of texts) {
    forgetTurns();
    const before = capture.requests.length;
    await sendText(text);
    cold.push(JSON.parse(capture.requests[before]!.body));
  }
  return { warm, cold };
}

const sys = { role: "system", content: "You are Cline, a coding agent. 😀 café — \u2028 tabs\t\"q\" \\ back" };
const tools = [{ type: "function", function: { name: "read_file", description: "Reads.", parameters: { type: "object", properties: { path: { type: "string" } } } } }];
function turn(i: number, session = "a"): unknown[] {
  return [
    { role: "assistant", content: null, tool_calls: [{ id: `call_${session}_${i}`, type: "function", function: { name: "read_file", arguments: JSON.stringify({ path: `src/${session}${i}.ts` }) } }] },
    { role: "tool", tool_call_id: `call_${session}_${i}`, content: `${session}${i} 🎉 ü \u0000 ${"line of file content ".repeat(Number(process.env.PROBE_REPEAT ?? 1500))}` },
  ];
}
function body(messages: unknown[], extra: Record<string, unknown> = {}, model = "gpt-4o-mini"): string {
  return JSON.stringify({ model, messages, tools, ...extra });
}
function agent(n: number, session = "a", first = sys): unknown[][] {
  const lists: unknown[][] = [];
  const messages: unknown[] = [first, { role: "user", content: `task ${session}` }];
  for (let i = 0; i < n; i++) {
    messages.push(...turn(i, session));
    lists.push(messages.slice());
  }
  return lists;
}

function expectSame(texts: string[], result: { warm: unknown[]; cold: unknown[] }, stream = false) {
  expect(result.warm.length).toBe(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const sent = JSON.parse(texts[i]!) as Record<string, unknown>;
    const expected = { ...sent, ...(stream || sent.stream ? { stream_options: { include_usage: true } } : {}) };
    if (process.env.PROBE_COMPRESSION !== "safe") expect(result.warm[i]).toEqual(expected);
    expect(result.warm[i]).toEqual(result.cold[i]);
  }
}

test("Cline-like successive turns", async () => {
  const texts = agent(8).map((m) => body(m));
  expectSame(texts, await warmAndCold(texts));
});

test("stream variant", async () => {
  const texts = agent(6).map((m) => body(m, { stream: true }));
  expectSame(texts, await warmAndCold(texts), true);
});

test("two sessions interleaved, same system prompt", async () => {
  const a = agent(6, "a").map((m) => body(m));
  const b = agent(6, "b").map((m) => body(m));
  const texts = a.flatMap((t, i) => [t, b[i]!]);
  expectSame(texts, await warmAndCold(texts));
});

test("compaction: an early turn edited, then removed", async () => {
  const lists = agent(6);
  const last = lists.at(-1)!;
  const edited = last.slice();
  edited[3] = { ...(edited[3] as object), content: "summarised" };
  const removed = [last[0], last[1], ...last.slice(4)];
  const onlyLastCharChanged = last.slice();
  const t = last[5] as { content: string };
  onlyLastCharChanged[5] = { ...t, content: t.content.slice(0, -1) + "X" };
  const texts = [...lists.map((m) => body(m)), body(edited), body(removed), body(last), body(onlyLastCharChanged), body(last.slice(0, 3)), body(last)];
  expectSame(texts, await warmAndCold(texts));
});

test("system prompt changed, model changed, keys reordered", async () => {
  const lists = agent(5);
  const last = lists.at(-1)!;
  const otherSys = [{ role: "system", content: "other" }, ...last.slice(1)];
  const reordered = JSON.stringify({ messages: last, model: "gpt-4o-mini", tools });
  const reorderedOtherModel = JSON.stringify({ messages: last, model: "gpt-4o", tools });
  const reorderedOtherTemperature = JSON.stringify({ messages: [...last, { role: "user", content: "go" }], tools, model: "gpt-4o", temperature: 0 });
  const texts = [...lists.map((m) => body(m)), body(otherSys), reordered, reorderedOtherModel, reorderedOtherTemperature, body(last, {}, "gpt-4o")];
  expectSame(texts, await warmAndCold(texts));
});

test("escaped and non-ASCII text, written by hand", async () => {
  const lists = agent(4);
  const base = JSON.stringify({ model: "gpt-4o-mini", messages: lists.at(-1) }).slice(0, -2);
  const texts = [
    `${base}]}`,
    `${base},{"role":"user","content":"\\ud83d\\ude00 \\u00e9 caf\u00e9 \\/ \\\\ \\" \u{1F600}"}]}`,
    `${base},{"role":"user","content":"\\ud83d\\ude00 \\u00e9 caf\u00e9 \\/ \\\\ \\" \u{1F600}"} , {"role":"user","content":"x"}\n]\n}`,
    `${base},{"role":"user","content":"a","content":"b"}],"tools":${JSON.stringify(tools)}}`,
  ];
  expectSame(texts, await warmAndCold(texts));
});

test("duplicate top-level messages key", async () => {
  const lists = agent(4);
  const base = JSON.stringify({ model: "gpt-4o-mini", messages: lists.at(-1) });
  const texts = [base, `${base.slice(0, -1)},"messages":[{"role":"user","content":"only"}]}`, `${base.slice(0, -2)}],"messages":${JSON.stringify(lists.at(-1))}}`];
  const result = await warmAndCold(texts);
  for (let i = 0; i < texts.length; i++) expect(result.warm[i]).toEqual(result.cold[i]);
  expect((result.warm[1] as { messages: unknown[] }).messages).toEqual([{ role: "user", content: "only" }]);
});

test("concurrent requests of two sessions", async () => {
  const a = agent(5, "a").map((m) => body(m));
  const b = agent(5, "b").map((m) => body(m));
  // Warm up each session's first turns, then send the rest at once.
  forgetTurns();
  for (const t of [a[0]!, b[0]!]) await sendText(t);
  const texts = [...a.slice(1), ...b.slice(1), ...a.slice(1)];
  const start = capture.requests.length;
  await Promise.all(texts.map(sendText));
  const warm = capture.requests.slice(start).map((r) => JSON.parse(r.body) as { messages: unknown[] });
  const expected = texts.map((t) => JSON.parse(t) as { messages: unknown[] });
  const canon = (v: unknown): unknown => (Array.isArray(v) ? v.map(canon) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canon(x)])) : v);
  const key = (v: unknown) => JSON.stringify(canon(v));
  expect(warm.map(key).sort()).toEqual(expected.map(key).sort());
});

test("the reuse path runs through the server (the route releases each body's buffer after it)", async () => {
  forgetTurns();
  const texts = agent(3).map((m) => body(m));
  await sendText(texts[1]!);
  expect(keptTurnsSize().bodies).toBe(1);
  await sendText(texts[2]!);
  // The third body resent the second's turns and replaced it; with none resent both would be kept.
  expect(keptTurnsSize().bodies).toBe(1);
});

test("the same turns under a Claude model (translated) then a GPT model, and back", async () => {
  const lists = agent(5);
  const gpt = lists.map((m) => body(m));
  const claude = lists.map((m) => body(m, {}, "claude-sonnet-5-5"));
  forgetTurns();
  const start = capture.requests.length;
  const anthropicStart = anthropic.requests.length;
  for (let i = 0; i < lists.length; i++) {
    await sendText(claude[i]!);
    await sendText(gpt[i]!);
  }
  const warmGpt = capture.requests.slice(start).map((r) => JSON.parse(r.body) as unknown);
  const warmClaude: unknown[] = anthropic.requests.slice(anthropicStart).map((r) => r.body);
  const coldClaude: unknown[] = [];
  for (let i = 0; i < lists.length; i++) {
    forgetTurns();
    const before = anthropic.requests.length;
    await sendText(claude[i]!);
    coldClaude.push(anthropic.requests[before]!.body);
  }
  for (let i = 0; i < lists.length; i++) expect(warmGpt[i]).toEqual(JSON.parse(gpt[i]!));
  expect(warmClaude).toEqual(coldClaude);
});
