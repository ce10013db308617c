import { afterAll, beforeAll, describe, expect, setSystemTime, spyOn, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AssembledAnswer } from "../../src/chat/chunk-assembler";
import type { ChatRequest } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { anthropicEncoder } from "../../src/doors/anthropic/anthropic-encoder";
import { openaiEncoder } from "../../src/doors/openai/openai-encoder";
import { responsesEncoder } from "../../src/doors/responses/responses-encoder";
import { ProxyError } from "../../src/errors";
import { createLogger } from "../../src/logger";
import type { Outcome } from "../../src/pipeline/outcome";
import type { ResponseEncoder } from "../../src/pipeline/response-encoder";
import { withFirstChunk } from "../../src/pipeline/stages/dispatch";
import { observeStream } from "../../src/pipeline/stream-observer";
import { createOpenAICompatibleProvider } from "../../src/providers/openai-compatible/openai-compatible-provider";
import { createRedactor } from "../../src/security/redactor";
import { anthropicEventTransformer } from "../../src/stream-transformers/anthropic-events";
import { createClaudeCliEventTransformer } from "../../src/stream-transformers/claude-cli-events";
import { geminiChunkTransformer } from "../../src/stream-transformers/gemini-chunks";
import { openAIChunkTransformer } from "../../src/stream-transformers/openai-chunks";
import { openAIResponsesEventTransformer } from "../../src/stream-transformers/openai-responses-events";
import { sseDecoderTransformer } from "../../src/streams/sse-decoder";
import { asyncIterableToStream } from "../../src/streams/async-iterable-stream";
import { fuseTransformers, pullThrough, type SyncTransformer, transformStream } from "../../src/streams/sync-transformer";
import { replayContext } from "../helpers/responses-replay";
import { layeredObserveStream, layeredPullThrough, layeredWithFirstChunk } from "./reference/layered-streams";

/**
 * The fused stream path (one pulled chain from the upstream body to the client: provider decoding,
 * dispatch's first-chunk check and watch, the stream observer, the door's encoder) against the
 * same stages as separate pulled layers, as they were (reference/layered-streams.ts): for every
 * recorded upstream stream (the SDK-read ones as the SDK's events; tests/fixtures/{openai,openai-responses,anthropic,gemini,claude-cli,
 * anthropic-door,responses-door} and ../shared/fixtures/claude-cli), cut into network reads three
 * ways, through every door, the client's bytes, the logged outcome and the answer assembled for the
 * cache must be the same, as must the failure before the first chunk (the fallback case), an
 * upstream connection cut mid-stream, and a stream the idle watch ends.
 */
const fixtures = join(import.meta.dir, "..", "fixtures");
const sharedFixtures = join(import.meta.dir, "..", "..", "..", "shared", "fixtures");
const encoder = new TextEncoder();
const redactor = createRedactor();
const MODEL = "test-model";

function lines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
}

function jsonlIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(".jsonl"))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

type Reads = "per event" | "one read" | "odd cuts";
const readsKinds: Reads[] = ["per event", "one read", "odd cuts"];

/** The SSE body as network reads: one per event, all in one, or cut every 7 bytes (inside characters and lines). */
function sseReads(events: readonly string[], reads: Reads, done: boolean): Uint8Array[] {
  const blocks = events.map((data) => `data: ${data}\n\n`);
  if (done) blocks.push("data: [DONE]\n\n");
  if (reads === "per event") return blocks.map((block) => encoder.encode(block));
  const all = encoder.encode(blocks.join(""));
  if (reads === "one read") return [all];
  const cuts: Uint8Array[] = [];
  for (let start = 0; start < all.length; start += 7) cuts.push(all.slice(start, start + 7));
  return cuts;
}

interface BodyOptions {
  /** Fail the body after this many reads, as a reset connection does. */
  cutAfter?: number;
  /** Stay silent after this many reads until cancelled. */
  stallAfter?: number;
}

function bodyOf<T>(reads: readonly T[], options: BodyOptions = {}): ReadableStream<T> {
  let index = 0;
  return new ReadableStream<T>(
    {
      async pull(controller) {
        await null;
        if (options.cutAfter !== undefined && index >= options.cutAfter) return controller.error(Object.assign(new Error("socket reset"), { code: "ECONNRESET" }));
        if (options.stallAfter !== undefined && index >= options.stallAfter) return new Promise<void>(() => {});
        if (index < reads.length) controller.enqueue(reads[index++]!);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** A provider's chunk stream, made the fused way (the real code) or the layered way. */
type Source = (fused: boolean) => Promise<ReadableStream<ChatCompletionChunk>>;

function openAIWire(events: readonly string[], reads: Reads, body: BodyOptions = {}): Source {
  return async (fused) => {
    const upstream = bodyOf(sseReads(events, reads, true), body);
    if (!fused) return layeredPullThrough(upstream, fuseTransformers(sseDecoderTransformer(), openAIChunkTransformer(MODEL)));
    const provider = createOpenAICompatibleProvider({
      id: "openai",
      displayName: "OpenAI",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: "sk-test",
      maxTokensField: "max_completion_tokens",
      capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true },
      listModels: async () => [],
      logger: createLogger("silent"),
      fetch: (async () => new Response(upstream, { headers: { "content-type": "text/event-stream" } })) as unknown as typeof fetch,
    });
    const request = { model: MODEL, stream: true, messages: [{ role: "user", content: "hi" }] } as unknown as ChatRequest;
    return provider.stream({ request, model: MODEL, signal: new AbortController().signal });
  };
}

function responsesWire(events: readonly string[], reads: Reads): Source {
  return async (fused) => {
    const upstream = bodyOf(sseReads(events, reads, false));
    const stage = fuseTransformers(sseDecoderTransformer(), openAIResponsesEventTransformer(MODEL));
    return fused ? pullThrough(upstream, stage) : layeredPullThrough(upstream, stage);
  };
}

/** Upstreams read through an SDK: the provider's transformer, a stage of the SDK events' chain, or piped as it was. */
function sdkEvents(events: readonly string[], transformer: () => SyncTransformer<never, ChatCompletionChunk>): Source {
  return async (fused) => {
    const items = events.map((line) => JSON.parse(line) as never);
    if (!fused) return bodyOf(items).pipeThrough(transformStream(transformer()));
    return pullThrough(asyncIterableToStream(iterate(items)), transformer());
  };
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await null;
    yield item;
  }
}

/** The Claude CLI's lines: its own TransformStream, the same both ways. */
function cliLines(events: readonly string[]): Source {
  return async () => bodyOf(events.map((line) => JSON.parse(line) as unknown)).pipeThrough(createClaudeCliEventTransformer({ model: MODEL, id: "chatcmpl-cli", created: 1 }));
}

function internalChunks(events: readonly string[]): Source {
  return async () => bodyOf(events.map((line) => JSON.parse(line) as ChatCompletionChunk));
}

interface Door {
  name: string;
  encoder(): ResponseEncoder;
}

const request = (usage: boolean) => ({ model: MODEL, stream: true, messages: [], ...(usage ? { stream_options: { include_usage: true } } : {}) }) as unknown as ChatRequest;
const doors: Door[] = [
  { name: "openai, include_usage", encoder: () => openaiEncoder(request(true)) },
  { name: "openai", encoder: () => openaiEncoder(request(false)) },
  { name: "anthropic", encoder: () => anthropicEncoder("5b0f0a3c-1d2e-4f50-8a9b-c0d1e2f3a4b5") },
  { name: "responses", encoder: () => responsesEncoder(replayContext()) },
];

interface Run {
  /** The client's bytes, or how the path failed before answering (the fallback case). */
  body: string;
  outcome?: Omit<Outcome, "ttftMs" | "firstByteMs">;
  /** The answer the finish hooks get (the cache stores), or what assembling it threw. */
  answer?: unknown;
}

const watch = { idleMs: 40, idleError: () => new ProxyError(504, "sent nothing for 40 ms", { type: "timeout_error", code: "upstream_idle_timeout" }) };

let ids = 0;
async function run(source: Source, door: Door, fused: boolean): Promise<Run> {
  ids = 0;
  const firstChunk = fused ? withFirstChunk : layeredWithFirstChunk;
  const observe = fused ? observeStream : layeredObserveStream;
  let chunks: ReadableStream<ChatCompletionChunk>;
  try {
    chunks = await firstChunk(await source(fused), watch);
  } catch (error) {
    return { body: `failed before the first chunk: ${String(error)} ${(error as ProxyError).code}` };
  }
  const result: Run = { body: "" };
  const signal = new AbortController().signal;
  const observed = observe(chunks, {
    startedAt: performance.now(),
    clientSignal: signal,
    keepAnswer: true,
    redactor,
    promptTokensEstimate: () => 12,
    onEnd: ({ ttftMs: _ttft, firstByteMs: _firstByte, ...outcome }, answer) => {
      result.outcome = outcome;
      result.answer = answerOf(answer);
    },
  });
  const response = door.encoder().stream(observed, new Headers(), { heartbeatMs: 60_000, signal });
  result.body = await response.text();
  return result;
}

function answerOf(answer: AssembledAnswer | undefined): unknown {
  if (!answer) return undefined;
  try {
    return structuredClone(answer.completion());
  } catch (error) {
    return { threw: String(error) };
  }
}

/**
 * Made-up ids numbered by where they first appear: a piped stage (the layered path's
 * TransformStream) may run one event ahead of the door, so the order the ids are made in differs
 * while every id stays distinct and in the same places.
 */
function numberIds(result: Run): unknown {
  const seen = new Map<string, string>();
  const text = JSON.stringify(result).replace(/00000000-?0000-?4000-?8000-?\d{12}/g, (id) => {
    if (!seen.has(id)) seen.set(id, `id#${seen.size + 1}`);
    return seen.get(id)!;
  });
  return JSON.parse(text);
}

async function expectSame(source: Source): Promise<void> {
  for (const door of doors) {
    const layered = numberIds(await run(source, door, false));
    const fused = numberIds(await run(source, door, true));
    expect({ door: door.name, fused }).toEqual({ door: door.name, fused: layered });
  }
}

let numberedIds: { mockRestore(): void } | undefined;
beforeAll(() => {
  // Ids and timestamps some stages make up are the same in both runs.
  setSystemTime(new Date("2026-06-01T12:00:00Z"));
  numberedIds = spyOn(crypto, "randomUUID").mockImplementation(() => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}` as `${string}-${string}-${string}-${string}-${string}`);
});
afterAll(() => {
  setSystemTime();
  // The files that run after this one in the same process (one global, no isolation) need random ids
  // again: with this mock left in place, every id shares the prefix 00000000, and tests that tell their
  // rows apart by a slice of one (request-log-retention, gemini-chunks, gemini-provider) collide.
  numberedIds?.mockRestore();
});

describe("the fused stream chain gives the same bytes and outcome as the separate layers", () => {
  for (const path of jsonlIn(join(fixtures, "openai"))) {
    for (const reads of readsKinds) {
      test(`OpenAI wire: ${path.split("/").pop()}, ${reads}`, async () => {
        await expectSame(openAIWire(lines(path), reads));
      });
    }
  }
  for (const path of jsonlIn(join(fixtures, "openai-responses"))) {
    for (const reads of readsKinds) {
      test(`Responses wire: ${path.split("/").pop()}, ${reads}`, async () => {
        await expectSame(responsesWire(lines(path), reads));
      });
    }
  }
  for (const path of jsonlIn(join(fixtures, "anthropic"))) {
    test(`Anthropic events: ${path.split("/").pop()}`, async () => {
      await expectSame(sdkEvents(lines(path), () => anthropicEventTransformer(MODEL) as SyncTransformer<never, ChatCompletionChunk>));
    });
  }
  for (const path of jsonlIn(join(fixtures, "gemini"))) {
    test(`Gemini responses: ${path.split("/").pop()}`, async () => {
      await expectSame(sdkEvents(lines(path), () => geminiChunkTransformer({ model: MODEL }) as SyncTransformer<never, ChatCompletionChunk>));
    });
  }
  for (const path of [...jsonlIn(join(fixtures, "claude-cli")), ...jsonlIn(join(sharedFixtures, "claude-cli"))]) {
    test(`Claude CLI lines: ${path.split("/").slice(-3).join("/")}`, async () => {
      await expectSame(cliLines(lines(path)));
    });
  }
  for (const path of [...jsonlIn(join(fixtures, "anthropic-door")), ...jsonlIn(join(fixtures, "responses-door"))]) {
    test(`internal chunks: ${path.split("/").slice(-2).join("/")}`, async () => {
      await expectSame(internalChunks(lines(path)));
    });
  }

  const text = lines(join(fixtures, "openai", "text-with-usage.jsonl"));
  test("an upstream connection cut mid-stream ends both with the same error event", async () => {
    for (const reads of readsKinds) await expectSame(openAIWire(text, reads, { cutAfter: 3 }));
  });
  test("an upstream that goes silent mid-stream ends both with the idle timeout's error event", async () => {
    await expectSame(openAIWire(text, "per event", { stallAfter: 3 }));
  });
  test("an upstream that fails before its first chunk fails both the same way (the fallback case)", async () => {
    await expectSame(openAIWire([], "per event"));
    await expectSame(openAIWire(text, "per event", { cutAfter: 0 }));
    await expectSame(openAIWire(lines(join(fixtures, "openai", "error-first.jsonl")), "one read"));
  });
});
