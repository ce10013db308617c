import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The Anthropic door with the Anthropic provider behind it (ANTHROPIC_DOOR_MODELS left at its
 * default, exact): a request for a Claude model reaches the mock Anthropic API as the client sent
 * it (cache marks, system turns, thinking settings and signatures, tool-only keys, images,
 * documents, Anthropic-only fields, the beta header), and the answer comes back with Anthropic's
 * own blocks, signature and cache usage. The client is @anthropic-ai/sdk, or raw fetch where the
 * request is Claude Code's own shape.
 */
const KEY = "sk-ant-passthrough-upstream-key";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let sent: Array<Record<string, unknown>>;
let client: Anthropic;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: KEY });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: upstream.url });
  sent = [];
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
    if (typeof init?.body === "string") sent.push(JSON.parse(init.body) as Record<string, unknown>);
    return fetch(input, init);
  };
  client = new Anthropic({ apiKey: "client-key-the-proxy-ignores", baseURL: proxy.origin, maxRetries: 0, fetch: recordingFetch });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** The last body the mock received at /v1/messages, with `stream: false` read as the absent field it stands for. */
function received(path = "/v1/messages"): Record<string, unknown> {
  const { stream, ...body } = upstream.requests.filter((request) => request.path === path).at(-1)!.body;
  return stream === false ? body : { ...body, stream };
}

const ephemeral = { type: "ephemeral" } as const;
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("what the client sends is what Anthropic receives", () => {
  test("text with sampling, stop sequences, metadata, cache marks, an image and documents", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "A red pixel and two notes." }] } });
    // SDK 1.14 no longer types the sampling parameters; the API still takes them for Claude 4.5.
    const params: Anthropic.MessageCreateParamsNonStreaming & { temperature: number } = {
      model: "claude-haiku-4-5",
      max_tokens: 1024,
      system: [{ type: "text", text: "You are terse.", cache_control: ephemeral }],
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" }, cache_control: ephemeral },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" }, title: "spec.pdf" },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "Remember the milk." } },
            { type: "text", text: "What do these hold?", cache_control: { type: "ephemeral", ttl: "1h" } },
          ],
        },
      ],
      temperature: 0.3,
      stop_sequences: ["END"],
      metadata: { user_id: "user-1234" },
    };
    const message = await client.messages.create(params);
    expect(received()).toEqual(sent.at(-1)!);
    expect(sent.at(-1)).toEqual(params as unknown as Record<string, unknown>);
    expect(message.content[0]).toMatchObject({ type: "text", text: "A red pixel and two notes." });
  });

  test("a streamed tool round trip with signed thinking: the signed block and the tool result go back unchanged", async () => {
    upstream.enqueue({ kind: "fixture", name: "thinking-tool-use" }, { kind: "reply", reply: { content: [{ type: "text", text: "It is 18°C in Paris." }] } });
    const tools: Anthropic.Tool[] = [{ name: "get_weather", description: "Weather in a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, cache_control: ephemeral }];
    const first: Anthropic.MessageStreamParams = {
      model: "claude-haiku-4-5",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      tools,
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [{ role: "user", content: "Weather in Paris?" }],
    };
    const turn = await client.messages.stream(first).finalMessage();
    expect(received()).toEqual(sent.at(-1)!);
    expect(turn.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    expect(turn.usage).toMatchObject({ input_tokens: 512, output_tokens: 96 });
    const thinking = turn.content[0] as Anthropic.ThinkingBlock;
    const call = turn.content[1] as Anthropic.ToolUseBlock;
    expect(thinking.signature).toStartWith("EuYBCkQYAiJA");

    const second: Anthropic.MessageStreamParams = {
      ...first,
      messages: [
        ...first.messages,
        { role: "assistant", content: [{ type: "thinking", thinking: thinking.thinking, signature: thinking.signature }, { type: "tool_use", id: call.id, name: call.name, input: call.input }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "18°C, sunny", cache_control: ephemeral }] },
      ],
    };
    const answer = await client.messages.stream(second).finalMessage();
    expect(received()).toEqual(sent.at(-1)!);
    expect(answer.content[0]).toMatchObject({ type: "text", text: "It is 18°C in Paris." });
  });

  test("Claude Code's own request shape, byte for byte: system turn among the messages, betas, adaptive thinking, Anthropic-only fields", async () => {
    const body = {
      model: "claude-sonnet-5-5",
      max_tokens: 32000,
      system: [
        { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=sdk-cli;" },
        { type: "text", text: "You are a Claude agent.", cache_control: ephemeral },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "<system-reminder>\nAttribution…\n</system-reminder>\n" }, { type: "text", text: "What does notes.txt say?" }] },
        { role: "system", content: "# Environment\n - Primary working directory: /tmp/work" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_01Read", name: "Read", input: { file_path: "/tmp/work/notes.txt" } }] },
        { role: "user", content: [{ tool_use_id: "toolu_01Read", type: "tool_result", content: "1\tmarmalade\n", cache_control: ephemeral }] },
      ],
      tools: [
        { name: "Read", description: "Reads a file", input_schema: { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"], additionalProperties: false } },
        { name: "DeferredToolPlaceholder", description: "Never call this tool.", input_schema: { type: "object", properties: {} }, defer_loading: true },
      ],
      metadata: { user_id: '{"device_id":"92705c55","account_uuid":"","session_id":"d0047f35-afbf"}' },
      thinking: { type: "adaptive", display: "updates" },
      context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
      output_config: { effort: "medium" },
      stream: true,
    };
    const betas = "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,effort-2025-11-24";
    const response = await fetch(`${proxy.origin}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "any", "anthropic-version": "2023-06-01", "anthropic-beta": betas, "user-agent": "claude-cli/2.1.332 (external, sdk-cli)" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-provider")).toBe("anthropic");
    await response.text();
    expect(received()).toEqual(body);
    expect(upstream.requests.at(-1)!.headers["anthropic-beta"]).toBe(betas);
  });
});

describe("what Anthropic answers is what the client gets", () => {
  test("cache reads and writes, thinking tokens and the upstream's ids reach the client", async () => {
    upstream.enqueue({ kind: "reply", reply: { id: "msg_01PassThroughA1", content: [{ type: "text", text: "Cached." }], usage: { input_tokens: 40, cache_read_input_tokens: 9000, cache_creation_input_tokens: 1200, output_tokens: 5 } } });
    const message = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] });
    expect(message.id).toBe("msg_01PassThroughA1");
    expect(message.usage).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 9000, cache_creation_input_tokens: 1200, output_tokens: 5 });

    upstream.enqueue({ kind: "fixture", name: "thinking" });
    const streamed = await client.messages.stream({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "27 * 453?" }] }).finalMessage();
    expect(streamed.content.map((block) => block.type)).toEqual(["thinking", "redacted_thinking", "text"]);
    expect((streamed.content[1] as Anthropic.RedactedThinkingBlock).data).toStartWith("EmwKAhgB");
    expect(streamed.usage.output_tokens_details?.thinking_tokens).toBeGreaterThan(0);
  });

  test("the log row keeps the cache tokens", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "Logged." }], usage: { input_tokens: 10, cache_read_input_tokens: 500, cache_creation_input_tokens: 70, output_tokens: 3 } } });
    const { response } = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }).withResponse();
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ door: "anthropic", provider: "anthropic", requestedModel: "claude-haiku-4-5", tokensIn: 580, cachedTokens: 500, cacheWriteTokens: 70, tokensOut: 3 });
  });

  test("an upstream error keeps Anthropic's status and type", async () => {
    upstream.enqueue({ kind: "error", status: 400, message: "messages.0.content.0: image too large" });
    const failure = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(400);
    expect((failure as APIError).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect((failure as APIError).message).toContain("image too large");
  });

  test("an overloaded upstream is a 529 overloaded_error (before the stream starts) and an error event (after)", async () => {
    upstream.enqueue({ kind: "error", status: 529 });
    const before = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }).catch((error: unknown) => error);
    expect((before as APIError).status).toBe(529);
    expect((before as APIError).error).toMatchObject({ error: { type: "overloaded_error" } });

    upstream.enqueue({ kind: "fixture", name: "mid-stream-error" });
    const after = await client.messages.stream({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }).finalMessage().catch((error: unknown) => error);
    expect(after).toBeInstanceOf(APIError);
    expect((after as APIError).message).toContain("overloaded_error");
  });
});

describe("count_tokens and the model list", () => {
  test("count_tokens is Anthropic's own count, through its endpoint, with the prompt's fields only", async () => {
    const params = { model: "claude-haiku-4-5", system: "Be brief.", messages: [{ role: "user" as const, content: "How many tokens is this?" }] };
    const { data, response } = await client.messages.countTokens(params).withResponse();
    expect(response.headers.get("x-token-count-source")).toBe("anthropic");
    const counted = received("/v1/messages/count_tokens");
    expect(counted).toEqual(params);
    expect(data.input_tokens).toBe(Math.ceil(JSON.stringify(counted).length / 4));
  });

  test("an Anthropic client reads the Anthropic list shape; an OpenAI client the OpenAI one, on the same path", async () => {
    const page = await client.models.list({ limit: 3 });
    expect(page.data).toHaveLength(3);
    expect(page.data[0]).toMatchObject({ type: "model", id: expect.any(String), display_name: expect.any(String), created_at: expect.any(String) });
    const all: string[] = [];
    for await (const model of client.models.list({ limit: 4 })) all.push(model.id);
    expect(all).toContain("claude-haiku-4-5");
    expect(all).toContain("auto");
    expect(new Set(all).size).toBe(all.length);
    expect(await client.models.retrieve("claude-haiku-4-5")).toMatchObject({ type: "model", id: "claude-haiku-4-5" });
    const missing = await client.models.retrieve("no-such-model").catch((error: unknown) => error);
    expect((missing as APIError).status).toBe(404);
    expect((missing as APIError).error).toMatchObject({ type: "error", error: { type: "not_found_error" } });

    const openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const list = await openai.models.list();
    expect(list.data[0]).toMatchObject({ object: "model" });
  });
});
