import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { realCliChildren } from "../helpers/claude-cli-sandbox";
import { type Body, type ClaudeCliProxy, expectNoCliChildren, offeredTools, startClaudeCliProxy, systemText, userText } from "../helpers/claude-cli-proxy";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream, type RecordedAnthropicRequest, type ScriptedReply } from "../helpers/mock-anthropic-upstream";
import type { TestProxy } from "../helpers/test-proxy";

/**
 * Client tools through the real `claude` binary: the official `openai` client → the proxy → the CLI
 * → the mock Anthropic API. Unless a test queues a reply, the mock answers a request whose
 * transcript holds a tool result with text echoing it, and any other request with DEFAULT_MOCK_TEXT.
 */
let cli: ClaudeCliProxy;
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;
const slow = { timeout: 30_000 };
const model = "claude-cli:claude-haiku-4-5";
const messagesRequests = () => upstream.requests.filter((request) => request.path === "/v1/messages");
const lastBody = (): Body => messagesRequests().at(-1)!.body;

/** Echoes the tool result the transcript ends with, so the client can see it reached the model. */
function echoingReply(body: Body): ScriptedReply {
  const result = /<tool_result[^>]*>\n([\s\S]*?)\n<\/tool_result>(?![\s\S]*<tool_result)/.exec(userText(body))?.[1];
  return { content: [{ type: "text", text: result === undefined ? DEFAULT_MOCK_TEXT : `The tool said: ${result}` }] };
}

/** A mock reply calling the client's tools by name (the CLI offers them under its MCP prefix). */
const toolUseReply = (calls: Array<{ name: string; input: Record<string, unknown> }>, text?: string): ScriptedReply => ({
  content: [...(text ? [{ type: "text" as const, text }] : []), ...calls.map((call) => ({ type: "tool_use" as const, name: `mcp__client__${call.name}`, input: call.input }))],
  usage: { input_tokens: 40, output_tokens: 9 },
});

const readFile: ChatCompletionTool = {
  type: "function",
  function: { name: "read_file", description: "Read a file of the project", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
};
const writeFile: ChatCompletionTool = {
  type: "function",
  function: { name: "write_file", description: "Write a file", parameters: { type: "object", properties: { path: { type: "string" }, text: { type: "string" } }, required: ["path", "text"] } },
};
const TOOL_RESULT = "export function createApp() {}";

beforeAll(async () => {
  cli = await startClaudeCliProxy({ defaultReply: echoingReply });
  ({ upstream, proxy, client } = cli);
}, 30_000);

afterAll(() => cli.close());

/** A streamed turn reduced to what the client got. */
async function streamTurn(messages: ChatCompletionMessageParam[], tools: ChatCompletionTool[], extra: Record<string, unknown> = {}) {
  const stream = await client.chat.completions.create({ model, messages, tools, stream: true, stream_options: { include_usage: true }, ...extra });
  const chunks: ChatCompletionChunk[] = await Array.fromAsync(stream);
  const calls = new Map<number, { id: string; name: string; arguments: string; fragments: number }>();
  for (const call of chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])) {
    const entry = calls.get(call.index) ?? { id: "", name: "", arguments: "", fragments: 0 };
    entry.id ||= call.id ?? "";
    entry.name += call.function?.name ?? "";
    entry.arguments += call.function?.arguments ?? "";
    if (call.function?.arguments) entry.fragments++;
    calls.set(call.index, entry);
  }
  return {
    content: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join(""),
    calls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
    finishReasons: chunks.flatMap((chunk) => (chunk.choices[0]?.finish_reason ? [chunk.choices[0].finish_reason] : [])),
    usage: chunks.at(-1)?.usage,
  };
}

describe("client tools through the CLI", () => {
  const question: ChatCompletionMessageParam = { role: "user", content: "What does src/app.ts export?" };
  const offered = (request: RecordedAnthropicRequest) => offeredTools(request.body).map((tool) => tool.name);

  test.each([false, true])("a tool round trip (stream: %p): native tool use, the client's own names, the result echoed", async (stream) => {
    const before = messagesRequests().length;
    upstream.enqueue({ kind: "reply", reply: toolUseReply([{ name: "read_file", input: { path: "src/app.ts" } }]) });
    let call: { id: string; name: string; arguments: string };
    if (stream) {
      const turn = await streamTurn([question], [readFile]);
      expect(turn.finishReasons).toEqual(["tool_calls"]);
      expect(turn.calls).toHaveLength(1);
      // The arguments stream in fragments, as the model writes them.
      expect(turn.calls[0]!.fragments).toBeGreaterThan(1);
      expect(turn.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 9 });
      call = turn.calls[0]!;
    } else {
      const completion = await client.chat.completions.create({ model, messages: [question], tools: [readFile] });
      expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
      const calls = completion.choices[0]!.message.tool_calls ?? [];
      expect(calls).toHaveLength(1);
      const only = calls[0]!;
      if (only.type !== "function") throw new Error("expected a function call");
      call = { id: only.id, name: only.function.name, arguments: only.function.arguments };
    }
    expect(call.name).toBe("read_file");
    expect(call.id).toStartWith("toolu_");
    expect(JSON.parse(call.arguments)).toEqual({ path: "src/app.ts" });
    await expectNoCliChildren();

    // What the model was offered: the client's tool, schema and description as sent, under the CLI's MCP prefix.
    const step1 = messagesRequests()[before]!;
    expect(offeredTools(step1.body)).toEqual([{ name: "mcp__client__read_file", description: "Read a file of the project", input_schema: readFile.function.parameters }]);
    expect(messagesRequests()).toHaveLength(before + 1);

    const messages: ChatCompletionMessageParam[] = [
      question,
      { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }] },
      { role: "tool", tool_call_id: call.id, content: TOOL_RESULT },
    ];
    const answer = stream
      ? (await streamTurn(messages, [readFile])).content
      : (await client.chat.completions.create({ model, messages, tools: [readFile] })).choices[0]!.message.content;
    expect(answer).toBe(`The tool said: ${TOOL_RESULT}`);
    const step3 = messagesRequests().at(-1)!;
    expect(offered(step3)).toEqual(["mcp__client__read_file"]);
    expect(userText(step3.body)).toContain(`<tool_call id="${call.id}" name="mcp__client__read_file">\n{"path":"src/app.ts"}\n</tool_call>`);
    await expectNoCliChildren();
  }, slow);

  test("parallel tool calls arrive as separate calls with their own indices, ids and JSON arguments", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: toolUseReply(
        [
          { name: "read_file", input: { path: "a.ts" } },
          { name: "write_file", input: { path: "b.ts", text: 'say "hi"\n' } },
          { name: "read_file", input: { path: "c.ts" } },
        ],
        "Reading and writing.",
      ),
    });
    const turn = await streamTurn([question], [readFile, writeFile]);
    expect(turn.content).toBe("Reading and writing.");
    expect(turn.finishReasons).toEqual(["tool_calls"]);
    expect(turn.calls.map((call) => call.name)).toEqual(["read_file", "write_file", "read_file"]);
    expect(turn.calls.map((call) => JSON.parse(call.arguments))).toEqual([{ path: "a.ts" }, { path: "b.ts", text: 'say "hi"\n' }, { path: "c.ts" }]);
    expect(new Set(turn.calls.map((call) => call.id)).size).toBe(3);
    await expectNoCliChildren();
  }, slow);

  test("a tool name the API would not take (too long) is offered in a safe form and comes back as the client's", async () => {
    const longName = `project_${"x".repeat(52)}_read`;
    const tool: ChatCompletionTool = { type: "function", function: { name: longName, parameters: { type: "object", properties: { path: { type: "string" } } } } };
    const before = messagesRequests().length;
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "…" }] } });
    // Learn the name the CLI offers, then have the model call it.
    await client.chat.completions.create({ model, messages: [question], tools: [tool] });
    const safeName = offered(messagesRequests()[before]!)[0]!;
    expect(safeName.length).toBeLessThanOrEqual(64);
    expect(safeName).toStartWith("mcp__client__project_");
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "tool_use", name: safeName, input: { path: "a" } }] } });
    const completion = await client.chat.completions.create({ model, messages: [question], tools: [tool] });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === "function" && call.function.name).toBe(longName);
  }, slow);

  test("tool_choice: a named function is the only tool offered and is asked for; required refuses an answer without a call", async () => {
    upstream.enqueue({ kind: "reply", reply: toolUseReply([{ name: "write_file", input: { path: "x", text: "y" } }]) });
    const named = await client.chat.completions.create({ model, messages: [question], tools: [readFile, writeFile], tool_choice: { type: "function", function: { name: "write_file" } } });
    expect(named.choices[0]!.message.tool_calls![0]!.type === "function" && named.choices[0]!.message.tool_calls![0]!.function.name).toBe("write_file");
    expect(offered(messagesRequests().at(-1)!)).toEqual(["mcp__client__write_file"]);
    expect(systemText(lastBody())).toContain("In this reply you must call the tool mcp__client__write_file.");

    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "I would rather not." }] } });
    const error = await client.chat.completions.create({ model, messages: [question], tools: [readFile], tool_choice: "required", stream: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("tool_choice required a tool call");
    expect(systemText(lastBody())).toContain("In this reply you must call at least one of your tools.");

    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "No tools needed." }] } });
    const none = await client.chat.completions.create({ model, messages: [question], tools: [readFile], tool_choice: "none" });
    expect(none.choices[0]!.message.content).toBe("No tools needed.");
    expect(offered(messagesRequests().at(-1)!)).toEqual([]);
    await expectNoCliChildren();
  }, slow);

  test("a client that goes away in the middle of a tool call leaves no CLI process behind", async () => {
    upstream.enqueue({ kind: "reply", reply: toolUseReply([{ name: "write_file", input: { path: "big.txt", text: "z".repeat(400) } }]), intervalMs: 60 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model, messages: [question], tools: [writeFile], stream: true }, { signal: controller.signal });
    let fragments = 0;
    const reading = (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments) fragments++;
    })().catch(() => {});
    const deadline = performance.now() + 15_000;
    while (fragments < 2 && performance.now() < deadline) await Bun.sleep(20);
    expect(fragments).toBeGreaterThanOrEqual(2);
    expect(realCliChildren()).toHaveLength(1);
    controller.abort();
    await reading;
    await expectNoCliChildren();
  }, slow);
});

// Last: it leaves the CLI's breakers open.
describe("an exhausted subscription limit", () => {
  test("the request fails with 429, and GET /api/routing shows every CLI model paused until the reset", async () => {
    const resetsAt = Math.floor(Date.now() / 1000) + 3600;
    upstream.enqueue({
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "This request would exceed your account's rate limit.",
      headers: { "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": String(resetsAt), "anthropic-ratelimit-unified-representative-claim": "five_hour" },
    });
    const error = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("You've hit your 5-hour limit");
    const routing = (await (await fetch(`${proxy.origin}/api/routing`)).json()) as { breakers: Array<{ key: string; state: string; openUntil: string | null }> };
    const cli = routing.breakers.filter((breaker) => breaker.key.startsWith("claude-cli:"));
    expect(cli.length).toBeGreaterThan(1);
    for (const breaker of cli) expect(breaker).toMatchObject({ state: "open", openUntil: new Date(resetsAt * 1000).toISOString() });
    // Until then the CLI is not asked at all.
    const requestsBefore = messagesRequests().length;
    const paused = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hi again" }] }).catch((caught: unknown) => caught);
    expect((paused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(messagesRequests()).toHaveLength(requestsBefore);
    await expectNoCliChildren();
  }, slow);
});
