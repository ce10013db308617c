import { describe, expect, test } from "bun:test";
import type { GenerateContentResponse } from "@google/genai";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { createGeminiChunkTransformer } from "../../src/stream-transformers/gemini-chunks";
import { readGeminiFixture } from "../helpers/mock-gemini-upstream";

/** Recorded-shape Gemini stream events replayed through the transformer, as the SDK hands them over. */
async function replayEvents(events: unknown[], onThoughtSignature?: (id: string, signature: string) => void): Promise<ChatCompletionChunk[]> {
  const source = new ReadableStream<GenerateContentResponse>({
    start(controller) {
      for (const event of events) controller.enqueue(event as GenerateContentResponse);
      controller.close();
    },
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of source.pipeThrough(createGeminiChunkTransformer({ model: "gemini-2.5-flash", onThoughtSignature }))) chunks.push(chunk);
  return chunks;
}

const replay = (name: string, onThoughtSignature?: (id: string, signature: string) => void) => replayEvents(readGeminiFixture(name), onThoughtSignature);
const contentOf = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
const reasoningOf = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("");
const toolDeltas = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
const finishReasons = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean);

describe("gemini chunk transformer", () => {
  test("the first chunk carries the prompt's usage from the first event (start_usage); no other chunk does", async () => {
    const chunks = await replay("cached-usage");
    expect(chunks[0]!.start_usage).toEqual({ prompt_tokens: 4310, completion_tokens: 0, total_tokens: 4310, prompt_tokens_details: { cached_tokens: 4096 } });
    expect(chunks.filter((chunk) => chunk.start_usage).length).toBe(1);
    const late = readGeminiFixture("cached-usage").map((event, index) => (index === 0 ? { ...(event as Record<string, unknown>), usageMetadata: undefined } : event));
    expect((await replayEvents(late)).some((chunk) => chunk.start_usage)).toBe(false);
  });

  test("text events become content deltas, then a finish chunk and a usage-only chunk", async () => {
    const chunks = await replay("text-with-usage");
    expect(contentOf(chunks)).toBe("Hello! How can I help you today?");
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role).length).toBe(1);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(["chatcmpl-mHcjaeXnLu2Fz7IPk8yQ4Ak"]));
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.model === "gemini-2.5-flash")).toBe(true);

    const [finish, usage] = chunks.slice(-2);
    expect(finish!.choices).toEqual([{ index: 0, delta: {}, finish_reason: "stop" }]);
    expect(usage!.choices).toEqual([]);
    expect(usage!.usage).toEqual({ prompt_tokens: 9, completion_tokens: 8, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } });
    // Only the last chunk carries usage, although Gemini repeats it on every event.
    expect(chunks.filter((chunk) => chunk.usage).length).toBe(1);
  });

  test("a function call becomes one complete tool-call delta; STOP after calls is tool_calls", async () => {
    const signatures: Array<[string, string]> = [];
    const chunks = await replay("tool-call", (id, signature) => signatures.push([id, signature]));
    const deltas = toolDeltas(chunks);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather" } });
    expect(deltas[0]!.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(JSON.parse(deltas[0]!.function!.arguments!)).toEqual({ city: "Paris", unit: "celsius" });
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
    expect(signatures).toHaveLength(1);
    expect(signatures[0]![0]).toBe(deltas[0]!.id!);
    expect(signatures[0]![1]).toStartWith("CiQBcsjaf");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 83, completion_tokens: 18 + 104, completion_tokens_details: { reasoning_tokens: 104 } });
  });

  test("parallel calls get consecutive indexes and distinct ids; only the signed one is remembered", async () => {
    const signatures: string[] = [];
    const chunks = await replay("parallel-tool-calls", (id) => signatures.push(id));
    expect(contentOf(chunks)).toBe("I'll read the file and list the tests.");
    const deltas = toolDeltas(chunks);
    expect(deltas.map((delta) => [delta.index, delta.function?.name, JSON.parse(delta.function?.arguments ?? "null")])).toEqual([
      [0, "read_file", { path: "src/app.ts" }],
      [1, "list_files", { path: "tests", recursive: true }],
    ]);
    expect(new Set(deltas.map((delta) => delta.id)).size).toBe(2);
    expect(signatures).toEqual([deltas[0]!.id!]);
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
  });

  test("thought parts become reasoning_content, never content", async () => {
    const chunks = await replay("thinking");
    expect(reasoningOf(chunks)).toContain("**Checking the arithmetic**");
    expect(contentOf(chunks)).toBe("17 × 23 = **391**.");
    // The trailing empty text part produces no empty delta.
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content === "").length).toBe(0);
    expect(chunks.at(-1)!.usage).toEqual({
      prompt_tokens: 14,
      completion_tokens: 9 + 187,
      total_tokens: 14 + 9 + 187,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 187 },
    });
  });

  test("cached prompt tokens are reported as cached_tokens, within prompt_tokens", async () => {
    const chunks = await replay("cached-usage");
    const usage = chunks.at(-1)!.usage!;
    expect(usage.prompt_tokens).toBe(4310);
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(4096);
    expect(usage.completion_tokens).toBe(20 + 96);
    expect(chunks.at(-1)!.model).toBe("gemini-2.5-pro");
  });

  test("MAX_TOKENS is length; SAFETY is content_filter", async () => {
    expect(finishReasons(await replay("max-tokens"))).toEqual(["length"]);
    const safety = await replay("safety-stop");
    expect(contentOf(safety)).toBe("Here is how");
    expect(finishReasons(safety)).toEqual(["content_filter"]);
  });

  test("a blocked prompt ends as content_filter with a refusal and the prompt's usage", async () => {
    const chunks = await replay("blocked-prompt");
    expect(chunks[0]!.choices[0]).toMatchObject({ delta: { role: "assistant", refusal: "Gemini blocked the prompt (PROHIBITED_CONTENT)." }, finish_reason: "content_filter" });
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 0 });
    expect(chunks.some((chunk) => chunk.error)).toBe(false);
  });

  test("a mid-stream error payload ends the stream with an error chunk, after the text so far", async () => {
    const chunks = await replay("mid-stream-error");
    expect(contentOf(chunks)).toBe("Partial");
    const last = chunks.at(-1)!;
    expect(last.error).toMatchObject({ type: "upstream_error", code: "internal" });
    expect(last.error!.message).toContain("An internal error has occurred");
    expect(finishReasons(chunks)).toEqual([]);
    expect(chunks.filter((chunk) => chunk.error)).toHaveLength(1);
  });

  test("a malformed event becomes an error chunk and later events are ignored", async () => {
    const events = [...readGeminiFixture("malformed-event"), ...readGeminiFixture("text-with-usage")];
    const chunks = await replayEvents(events);
    expect(contentOf(chunks)).toBe("ok");
    expect(chunks.at(-1)!.error).toMatchObject({ code: "malformed_upstream_event" });
    expect(chunks.filter((chunk) => chunk.error)).toHaveLength(1);
  });

  test("events that are not objects or have broken parts never throw", async () => {
    for (const bad of [null, "garbage", 42, { candidates: [{ content: { parts: "text" } }] }, { candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] }]) {
      const chunks = await replayEvents([bad]);
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.error?.code).toBe("malformed_upstream_event");
    }
  });

  test("an upstream that closes without a finish reason is reported, not passed off as complete", async () => {
    const [first] = readGeminiFixture("text-with-usage");
    const chunks = await replayEvents([first]);
    expect(contentOf(chunks)).toBe("Hello");
    expect(chunks.at(-1)!.error?.code).toBe("incomplete_upstream_stream");
  });
});
