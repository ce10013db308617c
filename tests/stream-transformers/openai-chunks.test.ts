import { afterAll, beforeAll, describe, expect, setSystemTime, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatRequest } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { openaiEncoder } from "../../src/doors/openai/openai-encoder";
import { sseDecoderTransformer } from "../../src/streams/sse-decoder";
import { fuseTransformers, pullThrough, type SyncTransformer } from "../../src/streams/sync-transformer";
import { openAIChunkTransformer } from "../../src/stream-transformers/openai-chunks";
import { referenceOpenAIChunkTransformer } from "./reference/openai-chunks-spread";

/**
 * The chunk transformer sets id, created, object and model on the parsed chunk in place instead of
 * copying it with a spread. What the client receives must not change by a byte: every recorded
 * fixture, and chunks that lack the head fields or carry them in another order, go through the SSE
 * decoder, the transformer (tuned and reference) and the OpenAI door's encoder, with and without
 * include_usage, and the bytes are compared.
 */
const fixtureDir = join(import.meta.dir, "../fixtures/openai");
const fixtures: Array<[string, string[]]> = readdirSync(fixtureDir)
  .filter((name) => name.endsWith(".jsonl"))
  .map((name) => [name, readFileSync(join(fixtureDir, name), "utf8").split("\n").filter((line) => line.trim() !== "")]);

// Servers other than OpenAI leave fields out or order them differently.
const edgeCases: Array<[string, string[]]> = [
  ["no head fields", ['{"choices":[{"index":0,"delta":{"role":"assistant","content":"a"}}]}', '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}']],
  ["head fields last, empty model", ['{"choices":[{"index":0,"delta":{"content":"b"}}],"model":"","created":5,"id":"x-1"}']],
  ["only some head fields", ['{"id":"x-2","choices":[{"index":0,"delta":{"content":"c"}}]}', '{"model":"m","choices":[{"index":0,"finish_reason":"length"}]}']],
  ["object first, no id", ['{"object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"reasoning":"r"}}]}']],
  ["reasoning beside reasoning_content", ['{"id":"x-3","choices":[{"index":0,"delta":{"reasoning":"r","reasoning_content":"s"}}]}']],
  ["usage-only chunk", ['{"id":"x-4","choices":[{"index":0,"delta":{"content":"d"}}]}', '{"id":"x-4","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}']],
  ["error after content", ['{"id":"x-5","choices":[{"index":0,"delta":{"content":"e"}}]}', '{"error":{"message":"boom","code":"overloaded"}}']],
  ["not a chunk", ['{"id":"x-6","choices":[{"index":0,"delta":{"content":"f"}}]}', '{"choices":"nope"}']],
  ["non-ASCII and escapes", ['{"id":"x-7","choices":[{"index":0,"delta":{"content":"é\\u00e9 \\"q\\" \\ud83d\\ude00"}}]}']],
];

const encoder = new TextEncoder();
const request = (includeUsage: boolean) =>
  ({ model: "gpt-4o-mini", stream: true, messages: [], ...(includeUsage ? { stream_options: { include_usage: true } } : {}) }) as unknown as ChatRequest;

async function clientBytes(lines: string[], transformer: SyncTransformer<unknown, ChatCompletionChunk>, includeUsage: boolean, upstreamSendsDone = true): Promise<string> {
  const events = [...lines.map((line) => `data: ${line}\n\n`), ...(upstreamSendsDone ? ["data: [DONE]\n\n"] : [])];
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < events.length) controller.enqueue(encoder.encode(events[index++]!));
      else controller.close();
    },
  });
  const chunks = pullThrough(body, fuseTransformers(sseDecoderTransformer(), transformer));
  const response = openaiEncoder(request(includeUsage)).stream(chunks, new Headers(), { heartbeatMs: 60_000, signal: new AbortController().signal });
  return await response.text();
}

describe("OpenAI-wire chunk transformer, in place against the spread it replaced", () => {
  // Chunks without `created` take the clock's: the same second for both runs.
  beforeAll(() => setSystemTime(new Date("2026-12-01T12:00:00.250Z")));
  afterAll(() => setSystemTime());

  for (const [name, lines] of [...fixtures, ...edgeCases]) {
    test(`${name}: the same bytes reach the client`, async () => {
      for (const includeUsage of [true, false]) {
        const tuned = await clientBytes(lines, openAIChunkTransformer("fallback-model"), includeUsage);
        const reference = await clientBytes(lines, referenceOpenAIChunkTransformer("fallback-model"), includeUsage);
        expect(tuned).toBe(reference);
        expect(tuned.endsWith("data: [DONE]\n\n")).toBe(true);
      }
    });
  }

  test("the fixtures are all read (a missing directory would make the loop above vacuous)", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(9);
  });

  test("a stream that ends before a finish reason and without [DONE] ends with an incomplete_upstream_stream error, after what it carried", async () => {
    const text = await clientBytes(['{"id":"x-8","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}'], openAIChunkTransformer("m"), false, false);
    const events = text.split("\n\n").filter(Boolean);
    expect(JSON.parse(events[0]!.slice(6)).choices[0].delta.content).toBe("Hel");
    expect(JSON.parse(events[1]!.slice(6)).error).toMatchObject({ code: "incomplete_upstream_stream", type: "upstream_error" });
    expect(events[2]).toBe("data: [DONE]");
    // With a finish reason (even with no usage after it, and no [DONE]) the stream is complete.
    const complete = await clientBytes(['{"id":"x-9","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}'], openAIChunkTransformer("m"), false, false);
    expect(complete).not.toContain("error");
  });

  test("an upstream that ends with [DONE] but never sends a finish reason is complete, not cut short", async () => {
    const text = await clientBytes(['{"id":"x-10","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}', '{"id":"x-10","choices":[{"index":0,"delta":{"content":"lo"}}]}'], openAIChunkTransformer("m"), false);
    const events = text.split("\n\n").filter(Boolean);
    expect(events.map((event) => (event === "data: [DONE]" ? "[DONE]" : JSON.parse(event.slice(6)).choices[0].delta.content))).toEqual(["Hel", "lo", "[DONE]"]);
    expect(text).not.toContain("error");
  });

  test("a chunk without head fields gets them appended in the order id, created, object, model", async () => {
    const text = await clientBytes(edgeCases[0]![1], openAIChunkTransformer("fallback-model"), false);
    const first = JSON.parse(text.split("\n\n")[0]!.slice(6)) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(["choices", "id", "created", "object", "model"]);
    expect(first.model).toBe("fallback-model");
  });
});
