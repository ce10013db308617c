import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type MockAnthropicUpstream, readAnthropicFixture, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Anthropic's server tools through the Messages door, as Claude Code's WebSearch uses them: the
 * client sends `web_search_20250305`; the API answers with `server_tool_use` and
 * `web_search_tool_result` blocks (encrypted_content), text with citations, may stop with
 * `pause_turn`, and counts `usage.server_tool_use.web_search_requests`; the client sends those
 * blocks back in the next request (to continue a paused turn) and the API wants them unchanged.
 * Streamed and not, with @anthropic-ai/sdk against a mock Anthropic API in the real wire format.
 * A server tool no active provider can run is a 400 naming it, never a silently dropped tool.
 */
const KEY = "sk-ant-server-tool-round-trip-key";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: Anthropic;
let openaiUpstream: MockOpenAIUpstream;
let openaiProxy: TestProxy;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url });
  client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  openaiUpstream = startMockOpenAIUpstream();
  openaiProxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-server-tools-openai-0000", OPENAI_BASE_URL: openaiUpstream.url });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  await openaiProxy?.close();
  await openaiUpstream?.close();
});

const webSearch = { type: "web_search_20250305", name: "web_search", max_uses: 8 } as const;
const question: Anthropic.MessageParam = { role: "user", content: "What's the weather in NYC?" };

/** The content blocks the fixture's stream amounts to, as the API's non-streaming answer has them. */
const upstreamBlocks = [
  { type: "text", text: "I'll search for that." },
  { type: "server_tool_use", id: "srvtoolu_01PauseSearch0000000001", name: "web_search", input: { query: "weather NYC today" } },
  readAnthropicFixture("web-search-pause-turn").flatMap((event) => {
    const block = event.content_block as { type?: string } | undefined;
    return block?.type === "web_search_tool_result" ? [block] : [];
  })[0]!,
  {
    type: "text",
    text: "It is sunny in New York today.",
    citations: [
      {
        type: "web_search_result_location",
        cited_text: "Sunny, 21 C",
        url: "https://weather.example/nyc",
        title: "Weather in New York City",
        encrypted_index: "EpMBCioIAxgCIiQ",
      },
    ],
  },
];

const lastMessagesBody = () => upstream.requests.filter((request) => request.path === "/v1/messages").at(-1)!.body;
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("served by the Anthropic API", () => {
  test("streamed: the blocks, pause_turn and the search count reach the client, and go back unchanged", async () => {
    upstream.enqueue({ kind: "fixture", name: "web-search-pause-turn" });
    const stream = client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 1024, tools: [webSearch], messages: [question] });
    const events: string[] = [];
    for await (const event of stream) if (event.type === "content_block_delta") events.push(event.delta.type);
    const message = await stream.finalMessage();
    expect(plain(message.content)).toEqual(upstreamBlocks as never);
    expect(message.stop_reason).toBe("pause_turn");
    expect(message.usage.server_tool_use?.web_search_requests).toBe(1);
    // The server tool's input streams as input_json_delta, the citation as citations_delta, as the API sends them.
    expect(events).toContain("input_json_delta");
    expect(events).toContain("citations_delta");
    expect(lastMessagesBody().tools).toEqual([webSearch]);

    // pause_turn: the client continues the turn by sending the paused answer back.
    upstream.enqueue({ kind: "fixture", name: "web-search" });
    const sent: Anthropic.MessageParam[] = [question, { role: "assistant", content: plain(message.content) as Anthropic.ContentBlockParam[] }];
    const next = await client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 1024, tools: [webSearch], messages: sent }).finalMessage();
    expect(next.stop_reason).toBe("end_turn");
    expect(lastMessagesBody().messages).toEqual(plain(sent) as never);
    expect((lastMessagesBody().messages as Array<{ content: unknown }>)[1]!.content).toEqual(upstreamBlocks);
  });

  test("not streamed: the Message is the API's, blocks and all, and goes back unchanged", async () => {
    const body = {
      id: "msg_01WebSearchJson0000000001",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: upstreamBlocks,
      stop_reason: "pause_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 2679,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 510,
        server_tool_use: { web_search_requests: 1 },
        service_tier: "standard",
      },
    };
    upstream.enqueue({ kind: "json", body });
    const message = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 1024, tools: [webSearch], messages: [question] });
    expect(plain(message.content)).toEqual(upstreamBlocks as never);
    expect(message.stop_reason).toBe("pause_turn");
    expect(message.usage.server_tool_use?.web_search_requests).toBe(1);

    const sent: Anthropic.MessageParam[] = [question, { role: "assistant", content: plain(message.content) as Anthropic.ContentBlockParam[] }];
    await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 1024, tools: [webSearch], messages: sent });
    expect(lastMessagesBody().messages).toEqual(plain(sent) as never);
  });
});

describe("sent back", () => {
  test("thinking interleaved with the server tool's blocks reaches Anthropic in its place", async () => {
    const assistant = [
      { type: "thinking", thinking: "I should search.", signature: "EqMBSignatureOne==" },
      upstreamBlocks[1]!,
      upstreamBlocks[2]!,
      { type: "thinking", thinking: "The first result answers it.", signature: "EqMBSignatureTwo==" },
      upstreamBlocks[3]!,
    ];
    const sent = [question, { role: "assistant", content: assistant }] as Anthropic.MessageParam[];
    await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 1024, tools: [webSearch], messages: sent });
    expect(lastMessagesBody().messages).toEqual(plain(sent) as never);
  });
});

describe("cost", () => {
  test("each web search is billed at Anthropic's $10 per 1,000 searches, on top of the tokens", async () => {
    upstream.enqueue({ kind: "fixture", name: "web-search-pause-turn" });
    const stream = client.messages.stream({ model: "claude-haiku-4-5", max_tokens: 1024, tools: [webSearch], messages: [question] });
    const { response } = await stream.withResponse();
    await stream.finalMessage();
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    // claude-haiku-4-5: $1 / $5 per million tokens; the fixture: 2679 in, 510 out, one search.
    expect(row!.costUsd).toBeCloseTo((2679 * 1 + 510 * 5) / 1_000_000 + 0.01, 9);
  });
});

describe("no provider can run the server tool", () => {
  test("a named model of another provider: a 400 naming the tool, nothing sent upstream", async () => {
    const before = openaiUpstream.requests.length;
    const openai = new Anthropic({ apiKey: "x", baseURL: openaiProxy.origin, maxRetries: 0 });
    const failure = await openai.messages.create({ model: "openai:gpt-4o-mini", max_tokens: 256, tools: [webSearch], messages: [question] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    const error = failure as InstanceType<typeof Anthropic.BadRequestError>;
    expect(error.error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(error.message).toContain("web_search_20250305");
    expect(openaiUpstream.requests.length).toBe(before);
  });

  test("auto: the same 400, not an answer without the search", async () => {
    const openai = new Anthropic({ apiKey: "x", baseURL: openaiProxy.origin, maxRetries: 0 });
    const failure = await openai.messages
      .stream({ model: "auto", max_tokens: 256, tools: [webSearch], messages: [question] })
      .finalMessage()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as Error).message).toContain("web_search");
  });
});
