import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";

/** The mock Anthropic server speaks the wire format the official SDK (and the claude CLI) expect. */
let upstream: MockAnthropicUpstream;
let client: Anthropic;

beforeAll(() => {
  upstream = startMockAnthropicUpstream();
  client = new Anthropic({ apiKey: "sk-ant-test-key-0000000000", baseURL: upstream.url, maxRetries: 0 });
});

afterAll(async () => {
  await upstream.close();
});

const base = { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user" as const, content: "Hi" }] };

describe("mock Anthropic upstream", () => {
  test("default reply, non-streaming, is a complete Message", async () => {
    const message = await client.messages.create(base);
    expect(message).toMatchObject({ type: "message", role: "assistant", model: "claude-sonnet-4-5", stop_reason: "end_turn" });
    expect(message.content as unknown[]).toEqual([{ type: "text", text: DEFAULT_MOCK_TEXT }]);
    // SDK 1.14 sends the key as a Bearer token; older clients (and the CLI) use x-api-key.
    const headers = upstream.requests.at(-1)!.headers;
    expect(headers["x-api-key"] ?? headers.authorization?.replace("Bearer ", "")).toBe("sk-ant-test-key-0000000000");
    expect(headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test("default reply, streaming, uses real SSE event names including ping", async () => {
    const response = await fetch(`${upstream.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "k" },
      body: JSON.stringify({ ...base, stream: true }),
    });
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const text = await response.text();
    const names = [...text.matchAll(/^event: (\S+)\ndata: (.*)\n\n/gm)].map((match) => {
      expect((JSON.parse(match[2]!) as { type: string }).type).toBe(match[1]!);
      return match[1];
    });
    expect(names.slice(0, 3)).toEqual(["message_start", "content_block_start", "ping"]);
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(upstream.requests.at(-1)!.search).toBe("?beta=true");
  });

  test("the SDK's stream helper assembles a scripted tool_use and thinking reply", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: {
        content: [
          { type: "thinking", thinking: "Need to read the file.", signature: "sig-1" },
          { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "src/app.ts", lines: [1, 20] } },
        ],
        usage: { input_tokens: 10, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50, output_tokens: 30 },
      },
    });
    const final = await client.messages.stream(base).finalMessage();
    expect(final.content as unknown[]).toEqual([
      { type: "thinking", thinking: "Need to read the file.", signature: "sig-1" },
      { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "src/app.ts", lines: [1, 20] } },
    ]);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50, output_tokens: 30 });
  });

  test("errors carry the real body and status", async () => {
    upstream.enqueue({ kind: "error", status: 529 });
    const error = await client.messages.create(base).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    expect(apiError.error).toMatchObject({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  });

  test("a mid-stream error event is raised by the SDK after the first events", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "one two three" }] }, midStreamError: { afterEvents: 4 } });
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const event of await client.messages.create({ ...base, stream: true })) seen.push(event.type);
      } catch (caught) {
        return caught;
      }
    })();
    expect(seen).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
  });

  test("count_tokens and models answer minimally", async () => {
    const count = await client.messages.countTokens({ model: "claude-sonnet-4-5", messages: base.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain("claude-sonnet-4-5");
  });

  test("with an apiKey option, a wrong key gets the API's 401", async () => {
    const guarded = startMockAnthropicUpstream({ apiKey: "right-key" });
    try {
      const wrong = new Anthropic({ apiKey: "wrong-key", baseURL: guarded.url, maxRetries: 0 });
      const error = (await wrong.messages.create(base).catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.APIError>;
      expect(error.status).toBe(401);
      expect(error.type).toBe("authentication_error");
      const right = new Anthropic({ apiKey: "right-key", baseURL: guarded.url, maxRetries: 0 });
      expect((await right.messages.create(base)).type).toBe("message");
    } finally {
      await guarded.close();
    }
  });
});
