import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { collectChunks } from "../../../src/chat/collect-chunks";
import type { ChatCompletionChunk } from "../../../src/chat/types";
import { anthropicEncoder } from "../../../src/doors/anthropic/anthropic-encoder";
import { toAnthropicMessage } from "../../../src/doors/anthropic/to-anthropic-message";
import { type AnthropicSseEvent, grammarViolations, parseAnthropicSse } from "../../helpers/anthropic-stream-grammar";

/**
 * The internal chunk streams of tests/fixtures/anthropic-door (each recorded from an upstream
 * fixture through the proxy's own transformer: record.ts there) replayed through the Anthropic
 * door's encoder. Every stream must keep Anthropic's grammar (helpers/anthropic-stream-grammar.ts);
 * the official SDK, reading the bytes, must assemble the same message the non-streaming encoder
 * writes for the same answer; and each case's particulars (blocks, signatures, stop reason, cache
 * usage, the error event) are checked.
 */
const TASK_ID = "5b0f0a3c-1d2e-4f50-8a9b-c0d1e2f3a4b5";

function readChunks(name: string): ChatCompletionChunk[] {
  return readFileSync(join(import.meta.dir, "..", "..", "fixtures", "anthropic-door", `${name}.jsonl`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ChatCompletionChunk);
}

const streamOf = (chunks: ChatCompletionChunk[]) =>
  new ReadableStream<ChatCompletionChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

function encode(chunks: ChatCompletionChunk[]): Response {
  return anthropicEncoder(TASK_ID).stream(streamOf(chunks), new Headers(), { heartbeatMs: 60_000, signal: new AbortController().signal });
}

async function events(name: string): Promise<AnthropicSseEvent[]> {
  const parsed = parseAnthropicSse(await encode(readChunks(name)).text());
  expect(grammarViolations(parsed)).toEqual([]);
  return parsed;
}

/** What @anthropic-ai/sdk makes of the stream: its final message, or the error it raises. */
async function throughSdk(name: string): Promise<Anthropic.Message | APIError> {
  const client = new Anthropic({ apiKey: "unused", baseURL: "http://127.0.0.1:9", maxRetries: 0, fetch: async () => encode(readChunks(name)) });
  try {
    return await client.messages.stream({ model: "claude-sonnet-5-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
}

const types = (parsed: AnthropicSseEvent[]) => parsed.map((event) => event.data.type);
const blockTypes = (message: Anthropic.Message) => message.content.map((block) => block.type);

const complete = [
  "openai-text",
  "openai-tool-call",
  "openai-parallel-tool-calls",
  "openai-cache-write-usage",
  "ollama-reasoning",
  "anthropic-text-cache-usage",
  "anthropic-thinking",
  "anthropic-thinking-tool-use",
  "anthropic-max-tokens",
  "gemini-parallel-tool-calls",
  "claude-cli-thinking",
];

describe.each(complete)("%s", (name) => {
  test("keeps the grammar, and the SDK assembles what the non-streaming answer holds", async () => {
    const parsed = await events(name);
    expect(types(parsed).slice(-2)).toEqual(["message_delta", "message_stop"]);
    const message = await throughSdk(name);
    if (message instanceof APIError) throw message;
    const expected = toAnthropicMessage(await collectChunks(streamOf(readChunks(name))), TASK_ID);
    expect({ ...message, id: expected.id }).toMatchObject(expected as unknown as Record<string, unknown>);
  });
});

test("the grammar check finds what a broken stream gets wrong", () => {
  const frame = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  const broken = [
    frame({ type: "message_start", message: {} }),
    frame({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }),
    frame({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{" } }),
    frame({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } }),
    frame({ type: "message_stop" }),
  ].join("");
  expect(grammarViolations(parseAnthropicSse(broken))).toEqual([
    "event 1 (content_block_start): index 1, expected 0",
    "event 2 (content_block_delta): input_json_delta in a text block",
    "event 3 (message_delta): block 1 is still open",
  ]);
});

describe("case by case", () => {
  test("text: one text block; usage keeps OpenAI's cached tokens apart from input", async () => {
    const message = (await throughSdk("openai-text")) as Anthropic.Message;
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello! How can I help?" });
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: 176, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 9 });
  });

  test("Anthropic's cache reads and writes come back as they were reported", async () => {
    const message = (await throughSdk("anthropic-text-cache-usage")) as Anthropic.Message;
    expect(message.usage).toMatchObject({ input_tokens: 180, cache_read_input_tokens: 10240, cache_creation_input_tokens: 2048, output_tokens: 9 });
    expect((await throughSdk("openai-cache-write-usage") as Anthropic.Message).usage).toMatchObject({ input_tokens: 3, cache_creation_input_tokens: 3435 });
  });

  test("message_start has the prompt's usage where the upstream gave it at the start, zeros in Anthropic's shape where not", async () => {
    const startUsage = async (name: string) => ((await events(name))[0]!.data.message as { usage: unknown }).usage;
    expect(await startUsage("anthropic-text-cache-usage")).toEqual({ input_tokens: 180, cache_creation_input_tokens: 2048, cache_read_input_tokens: 10240, output_tokens: 1 });
    expect(await startUsage("gemini-parallel-tool-calls")).toEqual({ input_tokens: 152, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
    expect(await startUsage("openai-text")).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
  });

  test("signed thinking keeps its signature; redacted thinking its data; then the text", async () => {
    const parsed = await events("anthropic-thinking");
    const deltas = parsed.filter((event) => event.data.type === "content_block_delta").map((event) => (event.data.delta as { type: string }).type);
    expect(deltas).toEqual(["thinking_delta", "thinking_delta", "signature_delta", "text_delta"]);
    const message = (await throughSdk("anthropic-thinking")) as Anthropic.Message;
    expect(blockTypes(message)).toEqual(["thinking", "redacted_thinking", "text"]);
    const thinking = message.content[0] as Anthropic.ThinkingBlock;
    expect(thinking.thinking).toBe("Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3");
    expect(thinking.signature.length).toBeGreaterThan(20);
  });

  test("thinking, then a tool call: the turn a client must send back whole", async () => {
    const message = (await throughSdk("anthropic-thinking-tool-use")) as Anthropic.Message;
    expect(blockTypes(message)).toEqual(["thinking", "tool_use"]);
    expect(message.stop_reason).toBe("tool_use");
    expect((message.content[0] as Anthropic.ThinkingBlock).signature).not.toBe("");
  });

  test("readable reasoning without a signature (Ollama, the CLI) is an unsigned thinking block", async () => {
    for (const name of ["ollama-reasoning", "claude-cli-thinking"]) {
      const message = (await throughSdk(name)) as Anthropic.Message;
      expect(blockTypes(message)).toEqual(["thinking", "text"]);
      expect((message.content[0] as Anthropic.ThinkingBlock).signature).toBe("");
    }
  });

  test("parallel tool calls are consecutive tool_use blocks with their ids and parsed input", async () => {
    for (const name of ["openai-parallel-tool-calls", "gemini-parallel-tool-calls"]) {
      const message = (await throughSdk(name)) as Anthropic.Message;
      const calls = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
      expect(calls.map((call) => call.name)).toEqual(["read_file", "list_files"]);
      expect(calls.every((call) => call.id !== "" && typeof call.input === "object")).toBe(true);
      expect(message.stop_reason).toBe("tool_use");
    }
  });

  test("max_tokens is the stop reason of a cut-short answer", async () => {
    expect(((await throughSdk("anthropic-max-tokens")) as Anthropic.Message).stop_reason).toBe("max_tokens");
  });

  test.each([
    ["openai-mid-stream-error", "api_error", ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "error"]],
    ["anthropic-mid-stream-error", "overloaded_error", ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "error"]],
    ["cut-mid-tool-call", "api_error", ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "error"]],
  ])("%s: the open block is stopped, then an error event of type %s; the SDK raises it", async (name, type, expected) => {
    const parsed = await events(name);
    expect(types(parsed)).toEqual(expected);
    expect((parsed.at(-1)!.data.error as { type: string }).type).toBe(type);
    const error = await throughSdk(name);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain(type);
  });
});
