import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OPENAI_RESPONSES_REASONING_FORMAT } from "../../src/chat/reasoning-details";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { openAIResponsesEventTransformer } from "../../src/stream-transformers/openai-responses-events";
import { sseDecoderTransformer } from "../../src/streams/sse-decoder";
import { fuseTransformers, transformStream } from "../../src/streams/sync-transformer";

/** Responses API streams (tests/fixtures/openai-responses) as SSE bytes through the decoder and the event transformer. */
const fixtureDir = join(import.meta.dir, "..", "fixtures", "openai-responses");
const framed = (lines: string[]) => lines.map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`).join("");
const fixtureSse = (name: string) => framed(readFileSync(join(fixtureDir, `${name}.jsonl`), "utf8").split("\n").filter((line) => line.trim() !== ""));

async function replay(sse: string): Promise<ChatCompletionChunk[]> {
  const bytes = new Response(sse).body!;
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of bytes.pipeThrough(transformStream(fuseTransformers(sseDecoderTransformer(), openAIResponsesEventTransformer("gpt-6.1-terra"))))) chunks.push(chunk);
  return chunks;
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
const joined = (chunks: ChatCompletionChunk[], field: "content" | "reasoning_content") => deltas(chunks).map((delta) => delta[field] ?? "").join("");
const finishes = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean);

describe("OpenAI Responses events → internal chunks", () => {
  test("text: content deltas with the role first, stop, then usage with cached tokens", async () => {
    const chunks = await replay(fixtureSse("text"));
    expect(joined(chunks, "content")).toBe("Hello! How can I help?");
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(deltas(chunks).filter((delta) => delta.role).length).toBe(1);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(["resp_0a1b2c3d4e5f60718293a4b5c6d7e8f9"]));
    expect(chunks[0]!.model).toBe("gpt-6.1-terra-2026-11-10");
    expect(finishes(chunks)).toEqual(["stop"]);
    expect(chunks.at(-1)!.usage).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 9,
      total_tokens: 1209,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  test("reasoning and a function call: summary as reasoning_content, the item as reasoning_details, the call's arguments streamed", async () => {
    const chunks = await replay(fixtureSse("reasoning-function-call"));
    expect(joined(chunks, "reasoning_content")).toBe("**Reading the file**\n\nThe user wants src/app.ts.");
    expect(deltas(chunks).flatMap((delta) => delta.reasoning_details ?? [])).toEqual([
      { type: "reasoning.summary", summary: "**Reading the file**\n\nThe user wants src/app.ts.", format: OPENAI_RESPONSES_REASONING_FORMAT, id: "rs_1b2c3d4e5f607182", index: 0 },
      { type: "reasoning.encrypted", data: "gAAAAABpTerraEncryptedReasoningBlob0001==", format: OPENAI_RESPONSES_REASONING_FORMAT, id: "rs_1b2c3d4e5f607182", index: 0 },
    ]);
    const calls = deltas(chunks).flatMap((delta) => delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: "call_Tr7Kq2Lm9Vb4Nz8X", type: "function", function: { name: "read_file", arguments: "" } });
    expect(calls.map((call) => call.function?.arguments ?? "").join("")).toBe('{"path":"src/app.ts"}');
    expect(finishes(chunks)).toEqual(["tool_calls"]);
    expect(chunks.at(-1)!.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 64 });
  });

  test("incomplete (max_output_tokens) is finish reason length", async () => {
    const chunks = await replay(fixtureSse("incomplete"));
    expect(joined(chunks, "content")).toBe("The answer is cut");
    expect(finishes(chunks)).toEqual(["length"]);
  });

  test("response.failed and an error event end the stream with an error chunk", async () => {
    const failed = await replay(fixtureSse("failed"));
    expect(joined(failed, "content")).toBe("Partial");
    expect(failed.at(-1)!.error).toMatchObject({ message: "The model failed to generate a response.", code: "server_error" });

    const errorEvent = framed(['{"type":"error","code":"rate_limit_exceeded","message":"Slow down","param":null,"sequence_number":3}']);
    const errored = await replay(errorEvent);
    expect(errored).toHaveLength(1);
    expect(errored[0]!.error).toMatchObject({ message: "Slow down", code: "rate_limit_exceeded" });
  });

  test("a stream that ends before response.completed ends with an incomplete_upstream_stream error chunk", async () => {
    const lines = readFileSync(join(fixtureDir, "text.jsonl"), "utf8").split("\n").filter((line) => line.trim() !== "");
    const chunks = await replay(framed(lines.slice(0, 6)));
    expect(joined(chunks, "content")).toBe("Hello! How can I help?");
    expect(finishes(chunks)).toEqual([]);
    expect(chunks.at(-1)!.error?.code).toBe("incomplete_upstream_stream");
    expect(chunks.filter((chunk) => chunk.error)).toHaveLength(1);
  });

  test("data that is not JSON is a malformed-event error chunk, never a throw", async () => {
    const chunks = await replay("event: response.output_text.delta\ndata: {not json\n\n");
    expect(chunks.at(-1)!.error?.code).toBe("malformed_upstream_event");
  });
});
