import { describe, expect, test } from "bun:test";
import { deltaChunk, usageChunk } from "../../../src/chat/chunks";
import type { ChatCompletion, ChatCompletionChunk } from "../../../src/chat/types";
import { openaiEncoder } from "../../../src/doors/openai/openai-encoder";
import { carriesInternalFields } from "../../../src/doors/openai/openai-wire";

/**
 * The chat door sends OpenAI's fields and its documented extensions, never the internal fields an
 * Anthropic-format upstream's answer carries for the Anthropic door (openai-wire.ts).
 */
const head = { id: "msg_01Internal", created: 0, model: "claude-sonnet-4-6" };
const container = { id: "container_1", expires_at: "2026-12-02T08:30:00Z" };
const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 2 } };

function first(): ChatCompletionChunk {
  const chunk = deltaChunk(head, { role: "assistant", content: "" });
  chunk.start_usage = { ...usage, completion_tokens: 1, total_tokens: 11 };
  return chunk;
}
function finish(): ChatCompletionChunk {
  const chunk = deltaChunk(head, { anthropic: { container } }, "stop");
  chunk.choices[0]!.native_finish_reason = "stop_sequence";
  chunk.choices[0]!.stop_sequence = "4,";
  return chunk;
}
const answer = () => [
  first(),
  deltaChunk(head, { content: "1, 2, " }),
  deltaChunk(head, { anthropic: { text_block: true } }),
  deltaChunk(head, { content: "3, ", reasoning_details: [{ type: "reasoning.text", text: "t", signature: "s", format: "anthropic-claude-v1", index: 0 }] }),
  finish(),
  usageChunk(head, { ...usage, server_tool_use: { web_search_requests: 1 } }),
];

async function sent(chunks: ChatCompletionChunk[], includeUsage: boolean): Promise<unknown[]> {
  const source = new ReadableStream<ChatCompletionChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const encoder = openaiEncoder({ model: "auto", messages: [], stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) } as never);
  const text = await encoder.stream(source, new Headers(), { heartbeatMs: 60_000, signal: new AbortController().signal }).text();
  return text
    .split("\n\n")
    .filter((event) => event.startsWith("data: ") && event !== "data: [DONE]")
    .map((event) => JSON.parse(event.slice(6)));
}

const plain = (delta: Record<string, unknown>, finishReason: string | null = null) => ({ ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finishReason }] });

describe("streamed", () => {
  test("with usage: the text, a plain finish and OpenAI's usage; the block boundary chunk is not sent", async () => {
    expect(await sent(answer(), true)).toEqual([
      plain({ role: "assistant", content: "" }),
      plain({ content: "1, 2, " }),
      plain({ content: "3, ", reasoning_details: [{ type: "reasoning.text", text: "t", signature: "s", format: "anthropic-claude-v1", index: 0 }] }),
      plain({}, "stop"),
      { ...head, object: "chat.completion.chunk", choices: [], usage },
    ]);
  });

  test("without usage: the same, without the usage chunk", async () => {
    expect(await sent(answer(), false)).toHaveLength(4);
  });

  test("a chunk of an OpenAI upstream is sent as it is, its own fields included", async () => {
    const chunk = { ...plain({ content: "Hi" }), system_fingerprint: "fp_1", service_tier: "default", usage: null } as unknown as ChatCompletionChunk;
    expect(carriesInternalFields(chunk)).toBe(false);
    expect(await sent([chunk], true)).toEqual([chunk]);
  });
});

describe("not streamed", () => {
  const completion = (): ChatCompletion => ({
    ...head,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "1, 2, 3, ", anthropic: { container, content: [{ type: "text", text: "1, 2, 3, " }] } },
        finish_reason: "stop",
        native_finish_reason: "stop_sequence",
        stop_sequence: "4,",
        logprobs: null,
      },
    ],
    usage: { ...usage, server_tool_use: { web_search_requests: 1 } },
  });

  test("OpenAI's fields only", async () => {
    const response = openaiEncoder({ model: "auto", messages: [] } as never).completion(completion(), new Headers());
    expect(await response.json()).toEqual({
      ...head,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "1, 2, 3, " }, finish_reason: "stop", logprobs: null }],
      usage,
    });
  });
});
