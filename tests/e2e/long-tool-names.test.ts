import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * OpenAI takes function names of at most 64 characters of [A-Za-z0-9_-] (so do DashScope and
 * others); the Messages API takes 128, and Claude Code names plugin MCP tools
 * `mcp__plugin_<plugin>_<server>__<tool>`, often longer than 64. Claude Code sends every tool on
 * every request, so one such plugin made every request routed to OpenAI a 400. Such names now go
 * upstream shortened (a stem and a hash, the same every time) and come back as the client's own,
 * in answers and streamed tool calls; a tool loop's history is shortened the same way.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-long-tool-names-000000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const LONG = "mcp__plugin_chrome-devtools-mcp_chrome-devtools__performance_analyze_insight";
const tools: Anthropic.Tool[] = [
  { name: "Bash", input_schema: { type: "object", properties: { command: { type: "string" } } } },
  { name: LONG, input_schema: { type: "object", properties: { insight: { type: "string" } } } },
];
const VALID = /^[A-Za-z0-9_-]{1,64}$/;

type SentTool = { function: { name: string } };
const sentNames = () => ((upstream.requests.at(-1)!.body.tools as SentTool[]) ?? []).map((tool) => tool.function.name);

/** A chat-completions stream whose one tool call uses the name the proxy sent upstream. */
const toolCallStream = (name: string) => ({
  kind: "lines" as const,
  lines: [
    JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta: { role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_long_1", type: "function", function: { name, arguments: "" } }] }, finish_reason: null }] }),
    JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"insight":"LCP"}' } }] }, finish_reason: null }] }),
    JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }),
    JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }),
    "[DONE]",
  ],
});

describe("tool names longer than OpenAI takes", () => {
  test("go upstream shortened and valid, the same on every request; short names are untouched", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    await anthropic.messages.create({ model: "gpt-4o", max_tokens: 50, tools, messages: [{ role: "user", content: "Analyze the page" }] });
    const first = sentNames();
    expect(first[0]).toBe("Bash");
    expect(first[1]).toMatch(VALID);
    expect(first[1]).not.toBe(LONG);
    await anthropic.messages.create({ model: "gpt-4o", max_tokens: 50, tools, messages: [{ role: "user", content: "Analyze it again" }] });
    expect(sentNames()).toEqual(first);
  });

  test("the model's call comes back under the client's name, streamed; the next turn's history is shortened the same way", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    await anthropic.messages.create({ model: "gpt-4o", max_tokens: 50, tools, messages: [{ role: "user", content: "Which name?" }] });
    const upstreamName = sentNames()[1]!;
    expect(upstreamName).toMatch(VALID);

    upstream.enqueue(toolCallStream(upstreamName));
    const message = await anthropic.messages.stream({ model: "gpt-4o", max_tokens: 50, tools, messages: [{ role: "user", content: "Analyze the page now" }] }).finalMessage();
    expect(message.content).toMatchObject([{ type: "tool_use", id: "call_long_1", name: LONG, input: { insight: "LCP" } }]);

    await anthropic.messages.create({
      model: "gpt-4o",
      max_tokens: 50,
      tools,
      messages: [
        { role: "user", content: "Analyze the page now" },
        { role: "assistant", content: message.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_long_1", content: "LCP is 2.1 s" }] },
      ],
    });
    const history = upstream.requests.at(-1)!.body.messages as Array<{ role: string; tool_calls?: SentTool[] }>;
    expect(history[1]!.tool_calls![0]!.function.name).toBe(upstreamName);
  });

  test("a non-stream answer maps the name back too", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    await anthropic.messages.create({ model: "gpt-4o", max_tokens: 50, tools, messages: [{ role: "user", content: "Which name, again?" }] });
    const upstreamName = sentNames()[1]!;
    expect(upstreamName).toMatch(VALID);
    upstream.enqueue({
      kind: "json",
      body: {
        id: "chatcmpl-2",
        object: "chat.completion",
        created: 1,
        model: "gpt-4o",
        choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: "call_long_2", type: "function", function: { name: upstreamName, arguments: "{}" } }] }, finish_reason: "tool_calls", logprobs: null }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
    });
    const message = await anthropic.messages.create({ model: "gpt-4o", max_tokens: 50, tools, messages: [{ role: "user", content: "Analyze, no stream" }] });
    expect(message.content).toMatchObject([{ type: "tool_use", id: "call_long_2", name: LONG, input: {} }]);
  });
});
