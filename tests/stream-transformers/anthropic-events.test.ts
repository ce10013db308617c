import { describe, expect, test } from "bun:test";
import { type ChatCompletionChunk, type FinishReason, normalizeUsage } from "../../src/chat/types";
import { costUsd } from "../../src/catalog/request-cost";
import { type AnthropicStreamEvent, createAnthropicEventTransformer } from "../../src/stream-transformers/anthropic-events";
import { readAnthropicFixture } from "../helpers/mock-anthropic-upstream";

/** Replays recorded-shape Anthropic stream events (tests/fixtures/anthropic) through the transformer. */
async function replay(events: unknown[], model = "claude-sonnet-5-5"): Promise<ChatCompletionChunk[]> {
  const source = new ReadableStream<AnthropicStreamEvent>({
    start(controller) {
      for (const event of events) controller.enqueue(event as AnthropicStreamEvent);
      controller.close();
    },
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of source.pipeThrough(createAnthropicEventTransformer(model))) chunks.push(chunk);
  return chunks;
}

const text = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
const reasoning = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("");
const toolDeltas = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
const finishReasons = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean);
const reasoningDetails = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => (chunk.choices[0]?.delta.reasoning_details ? [chunk.choices[0].delta.reasoning_details] : []));
const readSignature = (fixture: string) =>
  readAnthropicFixture(fixture)
    .map((event) => (event as { delta?: { type?: string; signature?: string } }).delta)
    .find((delta) => delta?.type === "signature_delta")!.signature!;

/** Assembles tool-call deltas exactly as OpenAI clients do: by index, first delta names the call. */
function assembleToolCalls(chunks: ChatCompletionChunk[]) {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const delta of toolDeltas(chunks)) {
    if (delta.id !== undefined) {
      expect(calls[delta.index]).toBeUndefined();
      expect(delta).toMatchObject({ type: "function", function: { arguments: "" } });
      calls[delta.index] = { id: delta.id, name: delta.function!.name!, arguments: delta.function!.arguments! };
    } else {
      expect(delta.function?.name).toBeUndefined();
      calls[delta.index]!.arguments += delta.function!.arguments!;
    }
  }
  return calls;
}

describe("anthropic events → OpenAI chunks", () => {
  test("text: role first, content deltas, finish, then a usage-only chunk counting cache tokens", async () => {
    const chunks = await replay(readAnthropicFixture("text-with-usage"));
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "" });
    expect(text(chunks)).toBe("Hello! How can I help?");
    expect(chunks.every((chunk) => chunk.id === "msg_01XFDUDYJgAACzvnptvVoYEL" && chunk.model === "claude-sonnet-4-5-20250929")).toBe(true);
    const [finish, usageChunk] = chunks.slice(-2);
    expect(finish!.choices).toEqual([{ index: 0, delta: {}, finish_reason: "stop" }]);
    expect(usageChunk!.choices).toEqual([]);
    expect(usageChunk!.usage).toEqual({
      prompt_tokens: 180 + 10240 + 2048,
      completion_tokens: 9,
      total_tokens: 180 + 10240 + 2048 + 9,
      prompt_tokens_details: { cached_tokens: 10240, cache_write_tokens: 2048 },
    });
    expect(chunks.filter((chunk) => chunk.usage).length).toBe(1);
  });

  test("cache tokens are billed at their own prices, once", async () => {
    const chunks = await replay(readAnthropicFixture("text-with-usage"));
    // Test-local prices (per million), each different, so a token billed at the wrong price or twice shows.
    const prices = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    // 180 plain input at $3, 10240 cache reads at $0.30, 2048 cache writes at $3.75, 9 output at $15.
    expect(costUsd(prices, normalizeUsage(chunks.at(-1)!.usage))).toBeCloseTo((180 * 3 + 10240 * 0.3 + 2048 * 3.75 + 9 * 15) / 1e6, 12);
  });

  test("tool use: text, then one call whose first delta carries id, type, name and empty arguments", async () => {
    const chunks = await replay(readAnthropicFixture("tool-use"));
    expect(text(chunks)).toBe("Okay, let's check the weather for San Francisco, CA:");
    const first = toolDeltas(chunks)[0]!;
    expect(first).toEqual({ index: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", type: "function", function: { name: "get_weather", arguments: "" } });
    const calls = assembleToolCalls(chunks);
    expect(calls.map((call) => [call.id, call.name, JSON.parse(call.arguments)])).toEqual([
      ["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", { location: "San Francisco, CA", unit: "fahrenheit" }],
    ]);
    // The empty input_json_delta fragment is not sent as its own delta.
    expect(toolDeltas(chunks).every((delta) => delta.id !== undefined || delta.function!.arguments !== "")).toBe(true);
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
    // message_delta reported output tokens only: input comes from message_start.
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89 });
  });

  test("parallel tool calls get indices 0 and 1 among tool calls, whatever the block index", async () => {
    const chunks = await replay(readAnthropicFixture("parallel-tool-calls"));
    expect(text(chunks)).toBe("");
    const calls = assembleToolCalls(chunks);
    expect(calls.map((call) => [call.id, call.name, JSON.parse(call.arguments)])).toEqual([
      ["toolu_01A09q90qw90lq917835lq9", "read_file", { path: "src/app.ts" }],
      ["toolu_01B7xzq2Rk4mNp8sLw3YtVa6", "list_files", { path: "tests" }],
    ]);
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
  });

  test("a tool call without input (a tool with no parameters) gets the arguments {}, as non-streamed answers do", async () => {
    const chunks = await replay(readAnthropicFixture("tool-use-no-input"));
    const calls = assembleToolCalls(chunks);
    expect(calls).toEqual([{ id: "toolu_01NoInputCall000000000001", name: "list_files", arguments: "{}" }]);
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
  });

  test("tool indices skip text blocks: block 1 is tool call 0", async () => {
    const chunks = await replay(readAnthropicFixture("tool-use"));
    expect(new Set(toolDeltas(chunks).map((delta) => delta.index))).toEqual(new Set([0]));
  });

  test("thinking goes to reasoning_content, never content; the signed block and redacted thinking are kept as reasoning_details", async () => {
    const chunks = await replay(readAnthropicFixture("thinking"));
    const thought = "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3";
    expect(reasoning(chunks)).toBe(thought);
    expect(text(chunks)).toBe("27 * 453 = 12,231");
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.content?.includes("EqQBCgIYAhIM"))).toBe(false);
    // Each block once, whole, when it is complete: the thinking when it stops, the redacted block when it starts.
    expect(reasoningDetails(chunks)).toEqual([
      [{ type: "reasoning.text", text: thought, signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds", format: "anthropic-claude-v1", index: 0 }],
      [{ type: "reasoning.encrypted", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP", format: "anthropic-claude-v1", index: 1 }],
    ]);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 44, completion_tokens: 184, completion_tokens_details: { reasoning_tokens: 150 } });
  });

  test("signature_delta: the thinking block of a tool-use turn arrives whole, signature included, before the tool call", async () => {
    const chunks = await replay(readAnthropicFixture("thinking-tool-use"));
    const detailAt = chunks.findIndex((chunk) => chunk.choices[0]?.delta.reasoning_details);
    const toolAt = chunks.findIndex((chunk) => chunk.choices[0]?.delta.tool_calls);
    expect(detailAt).toBeGreaterThan(0);
    expect(detailAt).toBeLessThan(toolAt);
    expect(reasoningDetails(chunks)).toEqual([
      [
        {
          type: "reasoning.text",
          text: "The user wants the weather in Paris. I should call get_weather.",
          signature: readSignature("thinking-tool-use"),
          format: "anthropic-claude-v1",
          index: 0,
        },
      ],
    ]);
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
  });

  test("a thinking block without a signature gives no reasoning_details (nothing Anthropic would take back)", async () => {
    const events = readAnthropicFixture("thinking-tool-use").filter((event) => (event as { delta?: { type?: string } }).delta?.type !== "signature_delta");
    const chunks = await replay(events);
    expect(reasoning(chunks)).toBe("The user wants the weather in Paris. I should call get_weather.");
    expect(reasoningDetails(chunks)).toEqual([]);
  });

  test("a signature carried by the block start (a non-incremental upstream) is kept too", async () => {
    const chunks = await replay([
      { type: "message_start", message: { id: "msg_1", model: "claude-haiku-4-5", usage: { input_tokens: 1, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "Short.", signature: "sig-start" } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } },
      { type: "message_stop" },
    ]);
    expect(reasoningDetails(chunks)).toEqual([[{ type: "reasoning.text", text: "Short.", signature: "sig-start", format: "anthropic-claude-v1", index: 0 }]]);
  });

  test("a server tool turn: each server block whole where it came, citations, pause_turn kept beside stop, search counts in usage", async () => {
    const events = readAnthropicFixture("web-search-pause-turn");
    const chunks = await replay(events);
    expect(text(chunks)).toBe("I'll search for that.It is sunny in New York today.");
    const extensions = chunks.flatMap((chunk) => (chunk.choices[0]?.delta.anthropic ? [chunk.choices[0].delta.anthropic] : []));
    const result = events.find((event) => (event.content_block as { type?: string } | undefined)?.type === "web_search_tool_result")!.content_block;
    const citation = events.find((event) => (event.delta as { type?: string } | undefined)?.type === "citations_delta")!.delta as { citation: unknown };
    expect(extensions).toEqual([
      { blocks: [{ type: "server_tool_use", id: "srvtoolu_01PauseSearch0000000001", name: "web_search", input: { query: "weather NYC today" } }] },
      { blocks: [result as never] },
      { citations: [citation.citation] },
    ]);
    // The blocks come between the two texts, as in the upstream's content.
    const order = chunks.flatMap((chunk) => {
      const delta = chunk.choices[0]?.delta;
      return delta?.content ? ["text"] : delta?.anthropic?.blocks ? ["block"] : [];
    });
    expect(order).toEqual(["text", "block", "block", "text"]);
    const finish = chunks.at(-2)!.choices[0]!;
    expect(finish).toMatchObject({ finish_reason: "stop", native_finish_reason: "pause_turn" });
    expect(chunks.at(-1)!.usage!.server_tool_use).toEqual({ web_search_requests: 1 });
  });

  test("two text blocks in a row stay apart; an ordinary stop carries no native_finish_reason", async () => {
    const chunks = await replay([
      { type: "message_start", message: { id: "msg_1", model: "claude-haiku-4-5", usage: { input_tokens: 1, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "One." } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Two." } },
      { type: "content_block_stop", index: 1 },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } },
      { type: "message_stop" },
    ]);
    const deltas = chunks.flatMap((chunk) => (chunk.choices[0] ? [chunk.choices[0].delta] : []));
    expect(deltas.slice(1, 4)).toEqual([{ content: "One." }, { anthropic: { text_block: true } }, { content: "Two." }]);
    expect(chunks.at(-2)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop" });
  });

  test("max_tokens stop becomes finish_reason length", async () => {
    expect(finishReasons(await replay(readAnthropicFixture("max-tokens")))).toEqual(["length"]);
  });

  test("every stop reason maps onto an OpenAI finish reason", async () => {
    const expected: Record<string, FinishReason> = {
      end_turn: "stop",
      stop_sequence: "stop",
      pause_turn: "stop",
      max_tokens: "length",
      model_context_window_exceeded: "length",
      tool_use: "tool_calls",
      refusal: "content_filter",
      some_future_reason: "stop",
    };
    for (const [stopReason, finishReason] of Object.entries(expected)) {
      const events = readAnthropicFixture("max-tokens");
      events.splice(-2, 1, { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 4 } });
      expect(finishReasons(await replay(events))).toEqual([finishReason]);
    }
  });

  test("a mid-stream error event ends the stream with one error chunk and no finish", async () => {
    const chunks = await replay(readAnthropicFixture("mid-stream-error"));
    expect(text(chunks)).toBe("Partial");
    expect(finishReasons(chunks)).toEqual([]);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.error).toEqual({ message: "Anthropic reported an error mid-stream: Overloaded", type: "upstream_error", code: "overloaded_error", param: null });
    expect(chunks.filter((chunk) => chunk.error).length).toBe(1);
  });

  test("an error event's message is redacted", async () => {
    const events = [...readAnthropicFixture("mid-stream-error").slice(0, 2), { type: "error", error: { type: "api_error", message: "bad key sk-ant-api03-abcdefghijklmnop" } }];
    const last = (await replay(events)).at(-1)!;
    expect(last.error!.message).not.toContain("abcdefghijklmnop");
    expect(last.error!.message).toContain("[redacted]");
  });

  test("a malformed event becomes an error chunk and nothing after it is sent", async () => {
    const chunks = await replay(readAnthropicFixture("malformed-event"));
    expect(text(chunks)).toBe("Before");
    expect(chunks.at(-1)!.error).toMatchObject({ code: "malformed_upstream_event", type: "upstream_error" });
    expect(chunks.filter((chunk) => chunk.error).length).toBe(1);
    expect(finishReasons(chunks)).toEqual([]);
  });

  test("events that are not objects, or deltas for unknown blocks, are malformed", async () => {
    const start = readAnthropicFixture("text-with-usage").slice(0, 1);
    for (const bad of ["garbage", null, { type: 7 }, { type: "content_block_delta", index: 5, delta: { type: "text_delta", text: "x" } }]) {
      const chunks = await replay([...start, bad]);
      expect(chunks.at(-1)!.error?.code).toBe("malformed_upstream_event");
    }
  });

  test("event types it does not know (added by Anthropic later) are ignored", async () => {
    const events = readAnthropicFixture("text-with-usage");
    events.splice(2, 0, { type: "some_future_event", detail: 1 }, { type: "content_block_delta", index: 0, delta: { type: "citations_delta", citation: {} } });
    const chunks = await replay(events);
    expect(text(chunks)).toBe("Hello! How can I help?");
    expect(chunks.some((chunk) => chunk.error)).toBe(false);
  });

  test("a stream that closes without message_stop ends with a truncation error", async () => {
    const chunks = await replay(readAnthropicFixture("text-with-usage").slice(0, 5));
    expect(text(chunks)).toBe("Hello! How can I");
    expect(chunks.at(-1)!.error?.code).toBe("truncated_upstream_stream");
  });

  test("before message_start, chunks use the routed model name", async () => {
    const chunks = await replay([{ type: "content_block_start", index: 0, content_block: { type: "text", text: "Hi" } }, { type: "message_stop" }], "claude-haiku-4-5");
    expect(chunks[0]!.model).toBe("claude-haiku-4-5");
    expect(text(chunks)).toBe("Hi");
  });
});
