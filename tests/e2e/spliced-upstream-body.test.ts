import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { forgetTurns, keptTurnsSize } from "../../src/doors/resent-turns";
import { startTestProxy, type TestProxy } from "../helpers/test-proxy";
import { parseKeepingFirstKey } from "../helpers/first-key-json";
import { defaultCompletion, readFixtureLines } from "../helpers/mock-openai-upstream";
import { type RawHttpCapture, startRawHttpCapture } from "../helpers/raw-http-capture";

/**
 * A large chat request through the proxy to an OpenAI upstream that keeps the exact bytes it
 * receives: the unchanged messages go out as the client's own text (providers/openai-compatible/
 * spliced-body.ts), and what the upstream parses is the request as the client sent it (the model,
 * stream_options and the compressed tool output aside), read with JSON.parse and with a parser
 * that keeps the first of two equal keys. The client is the official SDK; its fetch sends the
 * request text written by hand (whitespace, escapes, a duplicate key, non-ASCII characters).
 */
let capture: RawHttpCapture;
let proxy: TestProxy;
let client: OpenAI;
let nextBody: string | undefined;

beforeAll(async () => {
  capture = startRawHttpCapture((request) => {
    const body = JSON.parse(request.body) as { model: string; stream?: boolean };
    if (body.stream) return { status: 200, contentType: "text/event-stream", body: readFixtureLines("text-with-usage").map((line) => `data: ${line}\n\n`).join("") };
    return { status: 200, contentType: "application/json", body: JSON.stringify(defaultCompletion(body.model)) };
  });
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-upstream-key-1234567890", OPENAI_BASE_URL: `${capture.origin}/v1`, COMPRESSION: "safe" });
  client = new OpenAI({
    apiKey: "anything",
    baseURL: proxy.url,
    maxRetries: 0,
    fetch: (url, init) => fetch(url, nextBody === undefined ? init : { ...init, body: nextBody }),
  });
});
afterAll(async () => {
  await proxy.close();
  capture.close();
});

const fileText = Array.from({ length: 900 }, (_, line) => `export const value${line} = ${line * 7}; // line ${line} of the file`).join("\n");
const spaced = `{ "role" : "user" ,\n  "content" : "Spaced \\/ escaped \\u0041 and caf\\u00e9 \u2014 written by hand" }`;
const duplicated = `{"role":"user","content":"the first, which JSON.parse drops","content":"the last"}`;
const colored = `{"role":"tool","tool_call_id":"call_2","content":${JSON.stringify(`\u001b[31mError\u001b[0m: failed\n${"same line\n".repeat(40)}`)}}`;

function requestText(stream: boolean): string {
  const messages = [
    JSON.stringify({ role: "system", content: "You are a careful coding agent — terse." }),
    spaced,
    JSON.stringify({ role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"src/a.ts"}' } }] }),
    JSON.stringify({ role: "tool", tool_call_id: "call_1", content: fileText }),
    JSON.stringify({ role: "assistant", content: null, tool_calls: [{ id: "call_2", type: "function", function: { name: "bash", arguments: '{"command":"bun test"}' } }] }),
    colored,
    duplicated,
  ];
  const tools = [{ type: "function", function: { name: "read_file", description: "Reads a file.", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } } }];
  return `{"model":"gpt-4o-mini","messages":[\n${messages.join(",\n")}\n],"tools":${JSON.stringify(tools)},"temperature":0.2${stream ? ',"stream":true' : ""}}`;
}

async function send(stream: boolean): Promise<{ client: Record<string, unknown>; raw: string; sent: string }> {
  const text = requestText(stream);
  expect(text.length).toBeGreaterThan(40_000);
  nextBody = text;
  const before = capture.requests.length;
  try {
    if (stream) {
      for await (const _chunk of await client.chat.completions.create({ model: "gpt-4o-mini", messages: [], stream: true })) {
        // Read to the end.
      }
    } else {
      await client.chat.completions.create({ model: "gpt-4o-mini", messages: [] });
    }
  } finally {
    nextBody = undefined;
  }
  expect(capture.requests.length).toBe(before + 1);
  const captured = capture.requests.at(-1)!;
  return { client: JSON.parse(text) as Record<string, unknown>, raw: captured.raw, sent: captured.body };
}

for (const stream of [false, true]) {
  test(`${stream ? "a stream" : "a non-stream"} request: the client's text where unchanged, the same value everywhere`, async () => {
    const { client: sentByClient, raw, sent } = await send(stream);
    const upstream = JSON.parse(sent) as { messages: Array<Record<string, unknown>>; stream_options?: unknown };
    // No duplicate key reached the upstream: a parser keeping the first one reads the same.
    expect(parseKeepingFirstKey(sent)).toEqual(upstream);
    // The unchanged messages are the client's own bytes (JSON.stringify writes neither the spaces nor
    // the escapes), non-ASCII characters as the escapes the door parsed them from (one-byte-json-text.ts).
    expect(sent.includes(spaced.replace("\u2014", "\\u2014"))).toBe(true);
    expect(sent.includes(JSON.stringify({ role: "tool", tool_call_id: "call_1", content: fileText }))).toBe(true);
    expect(sent.includes(duplicated)).toBe(false);
    // The value is the client's, but for the compressed tool output and what the provider sets.
    const messages = sentByClient.messages as Array<Record<string, unknown>>;
    expect(upstream.messages.length).toBe(messages.length);
    expect(upstream.messages[5]!.content).not.toBe(messages[5]!.content);
    expect({ ...upstream, messages: upstream.messages.filter((_, index) => index !== 5) }).toEqual({
      ...sentByClient,
      messages: messages.filter((_, index) => index !== 5),
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    });
    expect(raw.toLowerCase()).toContain("content-type: application/json\r\n");
    expect(raw.toLowerCase()).toContain(`content-length: ${Buffer.byteLength(sent)}\r\n`);
  });
}

test("an agent's successive turns (each the last one resent with a turn appended): the upstream gets each turn's own value", async () => {
  // The first body is parsed whole; the next ones take the resent turns' parsed values (doors/resent-turns.ts).
  const base = JSON.parse(requestText(false)) as { messages: unknown[] };
  forgetTurns();
  const turns: string[] = [];
  for (let turn = 0; turn < 4; turn++) {
    base.messages.push(
      { role: "assistant", content: null, tool_calls: [{ id: `call_next_${turn}`, type: "function", function: { name: "read_file", arguments: `{"path":"src/${turn}.ts"}` } }] },
      { role: "tool", tool_call_id: `call_next_${turn}`, content: `file ${turn} — ${"x".repeat(2_000 * turn)}` },
    );
    turns.push(JSON.stringify(base));
  }
  for (const text of turns) {
    nextBody = text;
    try {
      await client.chat.completions.create({ model: "gpt-4o-mini", messages: [] });
    } finally {
      nextBody = undefined;
    }
    const sent = capture.requests.at(-1)!.body;
    const upstream = JSON.parse(sent) as { messages: Array<Record<string, unknown>> };
    expect(parseKeepingFirstKey(sent)).toEqual(upstream);
    const messages = (JSON.parse(text) as { messages: Array<Record<string, unknown>> }).messages;
    // The compressed tool output (index 5) aside, every turn is the client's.
    expect(upstream.messages.length).toBe(messages.length);
    expect(upstream.messages.filter((_, index) => index !== 5)).toEqual(messages.filter((_, index) => index !== 5));
    // Each body replaced the one it resent: its turns were taken (the route frees the request's own buffer after it).
    expect(keptTurnsSize().bodies).toBe(1);
  }
});
