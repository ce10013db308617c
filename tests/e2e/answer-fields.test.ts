import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockAnthropicUpstream, type ScriptedReply, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * What an answer says beyond its content, through both doors with the official SDKs: the Messages
 * door gives Anthropic's message_start usage, the stop sequence that matched and a code-execution
 * container as the API would; the chat door gives OpenAI's fields and none of the proxy's internal
 * ones (`native_finish_reason`, `stop_sequence`, `start_usage`, `anthropic`).
 */
const KEY = "sk-ant-answer-fields-upstream-key";
let anthropicUpstream: MockAnthropicUpstream;
let openaiUpstream: MockOpenAIUpstream;
let proxy: TestProxy;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  anthropicUpstream = startMockAnthropicUpstream({ apiKey: KEY });
  openaiUpstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: anthropicUpstream.url,
    OPENAI_API_KEY: "sk-test-answer-fields-00000",
    OPENAI_BASE_URL: openaiUpstream.url,
    CACHE_ENABLED: "false",
  });
  anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await anthropicUpstream.close();
  await openaiUpstream.close();
});

const container = { id: "container_011CPR5CNjB747bTd36fQLFk", expires_at: "2026-12-02T08:30:00.000000Z" };
const stoppedBySequence: ScriptedReply = {
  content: [{ type: "text", text: "1, 2, 3, " }],
  stopReason: "stop_sequence",
  stopSequence: "4,",
  usage: { input_tokens: 180, cache_read_input_tokens: 10240, cache_creation_input_tokens: 2048, output_tokens: 9 },
  container,
};
const question = (text: string) => [{ role: "user" as const, content: text }];

describe("Messages door, Anthropic upstream", () => {
  test("streamed: message_start has the prompt's usage; the end names the stop sequence and the container", async () => {
    anthropicUpstream.enqueue({ kind: "reply", reply: stoppedBySequence });
    const stream = anthropic.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 256, stop_sequences: ["4,"], messages: question("Count (stream).") });
    let startUsage: unknown;
    for await (const event of stream) if (event.type === "message_start") startUsage = { ...event.message.usage }; // a copy: the SDK updates its snapshot
    const message = await stream.finalMessage();
    expect(startUsage).toEqual({ input_tokens: 180, cache_creation_input_tokens: 2048, cache_read_input_tokens: 10240, output_tokens: 1 });
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4,", container });
    expect(message.usage).toMatchObject({ input_tokens: 180, cache_creation_input_tokens: 2048, cache_read_input_tokens: 10240, output_tokens: 9 });
  });

  test("not streamed: the same stop sequence and container", async () => {
    anthropicUpstream.enqueue({ kind: "reply", reply: stoppedBySequence });
    const message = await anthropic.messages.create({ model: "claude-sonnet-4-6", max_tokens: 256, stop_sequences: ["4,"], messages: question("Count (whole).") });
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4,", container });
  });
});

describe("Messages door, OpenAI upstream", () => {
  test("message_start: zeros in Anthropic's shape (OpenAI reports usage at the end); a stop is end_turn with no sequence", async () => {
    openaiUpstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    const stream = anthropic.messages.stream({ model: "openai:gpt-4o-mini", max_tokens: 256, stop_sequences: ["4,"], messages: question("Hello (openai).") });
    let startUsage: unknown;
    for await (const event of stream) if (event.type === "message_start") startUsage = { ...event.message.usage }; // a copy: the SDK updates its snapshot
    const message = await stream.finalMessage();
    expect(startUsage).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
    expect(message).toMatchObject({ stop_reason: "end_turn", stop_sequence: null });
    expect(message.usage).toMatchObject({ input_tokens: 176, cache_read_input_tokens: 1024, output_tokens: 9 });
  });
});

describe("Messages door, an OpenAI-wire upstream that names the matched stop string (vLLM's stop_reason)", () => {
  const chunk = (choice: Record<string, unknown>) => JSON.stringify({ id: "chatcmpl-vllm", object: "chat.completion.chunk", created: 1764000000, model: "gpt-4o-mini", choices: [{ index: 0, logprobs: null, ...choice }] });
  const vllmStream = [
    chunk({ delta: { role: "assistant", content: "1, 2, 3, " }, finish_reason: null }),
    chunk({ delta: {}, finish_reason: "stop", stop_reason: "4," }),
    "[DONE]",
  ];

  test("streamed: stop_reason stop_sequence with the string", async () => {
    openaiUpstream.enqueue({ kind: "lines", lines: vllmStream });
    const message = await anthropic.messages.stream({ model: "openai:gpt-4o-mini", max_tokens: 256, stop_sequences: ["4,"], messages: question("Count (vllm stream).") }).finalMessage();
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4," });
  });

  test("not streamed: the same", async () => {
    openaiUpstream.enqueue({
      kind: "json",
      body: { id: "chatcmpl-vllm", object: "chat.completion", created: 1764000000, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "1, 2, 3, " }, logprobs: null, finish_reason: "stop", stop_reason: "4," }] },
    });
    const message = await anthropic.messages.create({ model: "openai:gpt-4o-mini", max_tokens: 256, stop_sequences: ["4,"], messages: question("Count (vllm whole).") });
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "4," });
  });

  test("a stop at the end-of-sequence token (stop_reason null) is end_turn", async () => {
    openaiUpstream.enqueue({ kind: "lines", lines: [vllmStream[0]!, chunk({ delta: {}, finish_reason: "stop", stop_reason: null }), "[DONE]"] });
    const message = await anthropic.messages.stream({ model: "openai:gpt-4o-mini", max_tokens: 256, messages: question("Count (vllm eos).") }).finalMessage();
    expect(message).toMatchObject({ stop_reason: "end_turn", stop_sequence: null });
  });

  test("the chat door passes the upstream's own stop_reason on, and adds nothing", async () => {
    openaiUpstream.enqueue({ kind: "lines", lines: vllmStream });
    const stream = await openai.chat.completions.create({ model: "openai:gpt-4o-mini", stop: ["4,"], stream: true, messages: question("Count (vllm chat).") });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const item of stream) chunks.push(item);
    const finish = chunks.find((item) => item.choices[0]?.finish_reason)!.choices[0]!;
    expect(finish).toEqual({ index: 0, logprobs: null, delta: {}, finish_reason: "stop", stop_reason: "4," } as never);
  });
});

const internal = ["native_finish_reason", "stop_sequence", "start_usage", "anthropic"];
/** Every key of a JSON value, at any depth. */
function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keys(inner)]);
}

describe("chat door, Anthropic upstream", () => {
  test("not streamed: OpenAI's fields only", async () => {
    anthropicUpstream.enqueue({ kind: "reply", reply: stoppedBySequence });
    const completion = await openai.chat.completions.create({ model: "anthropic:claude-sonnet-4-6", stop: ["4,"], messages: question("Count (chat whole).") });
    expect(completion.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: "1, 2, 3, " } });
    expect(keys(completion).filter((key) => internal.includes(key))).toEqual([]);
  });

  test("streamed, two text blocks: the text and a stop, no internal field and no chunk that carries nothing", async () => {
    anthropicUpstream.enqueue({ kind: "reply", reply: { ...stoppedBySequence, content: [{ type: "text", text: "1, 2, " }, { type: "text", text: "3, " }] } });
    const stream = await openai.chat.completions.create({ model: "anthropic:claude-sonnet-4-6", stop: ["4,"], stream: true, stream_options: { include_usage: true }, messages: question("Count (chat stream).") });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("1, 2, 3, ");
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 180 + 10240 + 2048, completion_tokens: 9 });
    expect(keys(chunks).filter((key) => internal.includes(key))).toEqual([]);
    const empty = chunks.filter((chunk) => chunk.choices.length > 0 && Object.keys(chunk.choices[0]!.delta).length === 0 && !chunk.choices[0]!.finish_reason);
    expect(empty).toEqual([]);
  });
});
