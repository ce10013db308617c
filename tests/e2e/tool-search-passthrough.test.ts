import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Claude Code 2.1's tool search: tools marked `defer_loading: true`, loaded through its
 * `ToolSearch` tool, whose result holds `tool_reference` blocks. Sent with @anthropic-ai/sdk
 * through the Anthropic door: Anthropic receives both as sent; an OpenAI model gets the deferred
 * tool as an ordinary tool and the reference as text naming it.
 */
const KEY = "sk-ant-tool-search-upstream-key";
let anthropicUpstream: MockAnthropicUpstream;
let openaiUpstream: MockOpenAIUpstream;
let anthropicProxy: TestProxy;
let openaiProxy: TestProxy;

beforeAll(async () => {
  anthropicUpstream = startMockAnthropicUpstream({ apiKey: KEY });
  anthropicProxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: anthropicUpstream.url });
  openaiUpstream = startMockOpenAIUpstream();
  openaiProxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-tool-search-openai-0000", OPENAI_BASE_URL: openaiUpstream.url });
});
afterAll(async () => {
  await anthropicProxy?.close();
  await anthropicUpstream?.close();
  await openaiProxy?.close();
  await openaiUpstream?.close();
});

const client = (proxy: TestProxy) => new Anthropic({ apiKey: "client-key", baseURL: proxy.origin, maxRetries: 0 });

const toolSearch: Anthropic.Tool = {
  name: "ToolSearch",
  description: "Fetches full schema definitions for deferred tools",
  input_schema: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
};
// SDK 1.14 types defer_loading on tools.
const deferred: Anthropic.Tool = {
  name: "mcp__weather__get_forecast",
  description: "The forecast for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } } },
  defer_loading: true,
};
const reference = { type: "tool_reference", tool_name: "mcp__weather__get_forecast" } as const;
const messages: Anthropic.MessageParam[] = [
  { role: "user", content: "What's the forecast in Oslo?" },
  { role: "assistant", content: [{ type: "tool_use", id: "toolu_01Search", name: "ToolSearch", input: { query: "select:mcp__weather__get_forecast" } }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01Search", content: [reference] }] },
];

describe("to Anthropic", () => {
  test("deferred tools and tool_reference results arrive as the client sent them", async () => {
    const answer = await client(anthropicProxy).messages.create({ model: "claude-haiku-4-5", max_tokens: 256, tools: [toolSearch, deferred], messages });
    expect(answer.role).toBe("assistant");
    const body = anthropicUpstream.requests.filter((request) => request.path === "/v1/messages").at(-1)!.body;
    expect(body.tools).toEqual([toolSearch, deferred]);
    expect((body.messages as Anthropic.MessageParam[])[2]).toEqual({ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01Search", content: [reference] }] });
  });

  test("streamed too, with a cache mark on the reference kept", async () => {
    const marked = { ...reference, cache_control: { type: "ephemeral" as const } };
    const stream = client(anthropicProxy).messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      tools: [toolSearch, deferred],
      messages: [messages[0]!, messages[1]!, { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01Search", content: [marked] }] }],
    });
    await stream.finalMessage();
    const body = anthropicUpstream.requests.filter((request) => request.path === "/v1/messages").at(-1)!.body;
    expect(((body.messages as Array<{ content: Array<{ content: unknown }> }>)[2]!.content[0]!).content).toEqual([marked]);
  });

  test("a tool_reference without a tool_name is a 400 naming it", async () => {
    const error = await client(anthropicProxy)
      .messages.create({
        model: "claude-haiku-4-5",
        max_tokens: 256,
        tools: [toolSearch, deferred],
        messages: [messages[0]!, messages[1]!, { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01Search", content: [{ type: "tool_reference" } as never] }] }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(400);
    expect((error as Error).message).toContain("messages[2].content[0].content[0]: tool_reference blocks need a `tool_name`");
  });
});

describe("to another provider (OpenAI)", () => {
  test("the deferred tool is an ordinary tool, the reference text naming it", async () => {
    const answer = await client(openaiProxy).messages.create({ model: "gpt-4o-mini", max_tokens: 256, tools: [toolSearch, deferred], messages });
    expect(answer.role).toBe("assistant");
    const body = openaiUpstream.requests.at(-1)!.body;
    expect(body.tools).toEqual([
      { type: "function", function: { name: "ToolSearch", description: toolSearch.description, parameters: toolSearch.input_schema } },
      { type: "function", function: { name: "mcp__weather__get_forecast", description: deferred.description, parameters: deferred.input_schema } },
    ]);
    const toolMessage = (body.messages as Array<Record<string, unknown>>).find((message) => message.role === "tool")!;
    expect(JSON.stringify(toolMessage.content)).toContain("mcp__weather__get_forecast");
    expect(JSON.stringify(toolMessage.content)).not.toContain("tool_reference");
  });
});
