import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import { openReasoning } from "../../src/doors/responses/reasoning-envelope";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * One answer, three doors: a Claude answer with signed thinking and a tool call, stored through one
 * door, is served from the cache through each of the other two, as a complete answer and as a
 * stream, read by the official SDK client of that door. The same question is asked in each door's
 * own words (the Anthropic door's `max_tokens` and `output_config.effort`, the Responses door's
 * `max_output_tokens` and `reasoning.effort`); the cache key is the translated request's, so all
 * three are one entry. Each origin door gets its own question (the database is shared).
 */
const anthropicKey = "sk-ant-api03-e2e-cache-every-door-9Xy";
const model = "claude-haiku-4-5";
const signature = "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECb+aJQ==";
const thinking = "The user wants a.ts: call read_file.";
const schema = { type: "object", properties: { path: { type: "string" } }, required: ["path"] };

let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: anthropicKey });
  proxy = await startTestProxy({ CACHE_ENABLED: "true", ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: upstream.url });
  openai = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "anything", baseURL: proxy.origin, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** What every door must show of the answer: the tool call and the signed thinking. */
interface Seen {
  cache: string | null;
  toolCall: { id: string; name: string; input: unknown };
  thinking: string | null | undefined;
  signature: string | null | undefined;
}

type Door = "chat" | "anthropic" | "responses";
type Ask = (question: string, stream: boolean) => Promise<Seen>;

const chat: Ask = async (question, stream) => {
  const body = { model, messages: [{ role: "user" as const, content: question }], tools: [{ type: "function" as const, function: { name: "read_file", description: "Read a file", parameters: schema } }], reasoning_effort: "low" as const, max_tokens: 1024, temperature: 0 };
  let message: Record<string, unknown> & { tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }> };
  let cache: string | null;
  if (stream) {
    const { data, response } = await openai.chat.completions.create({ ...body, stream: true }).withResponse();
    cache = response.headers.get("x-cache");
    const runner = ChatCompletionStream.fromReadableStream(data.toReadableStream());
    message = (await runner.finalChatCompletion()).choices[0]!.message as unknown as typeof message;
  } else {
    const { data, response } = await openai.chat.completions.create(body).withResponse();
    cache = response.headers.get("x-cache");
    message = data.choices[0]!.message as unknown as typeof message;
  }
  const call = message.tool_calls![0]!;
  const details = message.reasoning_details as Array<{ type: string; text?: string; signature?: string }>;
  return { cache, toolCall: { id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) }, thinking: message.reasoning_content as string, signature: details[0]!.signature };
};

const messages: Ask = async (question, stream) => {
  const body = {
    model,
    max_tokens: 1024,
    messages: [{ role: "user" as const, content: question }],
    tools: [{ name: "read_file", description: "Read a file", input_schema: schema as Anthropic.Tool.InputSchema }],
    output_config: { effort: "low" as const },
    temperature: 0,
  };
  let message: Anthropic.Message;
  let cache: string | null;
  if (stream) {
    const messageStream = anthropic.messages.stream(body);
    const { response } = await messageStream.withResponse();
    cache = response.headers.get("x-cache");
    message = await messageStream.finalMessage();
  } else {
    const { data, response } = await anthropic.messages.create(body).withResponse();
    cache = response.headers.get("x-cache");
    message = data;
  }
  expect(message.stop_reason).toBe("tool_use");
  const block = message.content.find((item) => item.type === "thinking");
  const use = message.content.find((item) => item.type === "tool_use");
  if (!block || block.type !== "thinking" || !use || use.type !== "tool_use") throw new Error(`expected thinking and tool_use blocks, got ${JSON.stringify(message.content)}`);
  return { cache, toolCall: { id: use.id, name: use.name, input: use.input }, thinking: block.thinking, signature: block.signature };
};

const responses: Ask = async (question, stream) => {
  const body = {
    model,
    input: question,
    tools: [{ type: "function" as const, name: "read_file", description: "Read a file", parameters: schema, strict: null }],
    reasoning: { effort: "low" as const },
    include: ["reasoning.encrypted_content" as const],
    max_output_tokens: 1024,
    temperature: 0,
  };
  let output: OpenAI.Responses.ResponseOutputItem[];
  let cache: string | null;
  if (stream) {
    const { data, response } = await openai.responses.create({ ...body, stream: true }).withResponse();
    cache = response.headers.get("x-cache");
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of data) if (event.type === "response.completed") final = event.response;
    output = final!.output;
  } else {
    const { data, response } = await openai.responses.create({ ...body, stream: false }).withResponse();
    cache = response.headers.get("x-cache");
    output = data.output;
  }
  const reasoning = output.find((item) => item.type === "reasoning");
  const call = output.find((item) => item.type === "function_call");
  if (!reasoning || reasoning.type !== "reasoning" || !call || call.type !== "function_call") throw new Error(`expected reasoning and function_call items, got ${JSON.stringify(output)}`);
  const [detail] = openReasoning(reasoning.encrypted_content!, reasoning.id) as Array<{ text?: string; signature?: string }>;
  return { cache, toolCall: { id: call.call_id, name: call.name, input: JSON.parse(call.arguments) }, thinking: detail?.text, signature: detail?.signature };
};

const doors: Record<Door, Ask> = { chat, anthropic: messages, responses };

const stores = async () => ((await (await fetch(`${proxy.origin}/api/cache`)).json()) as { stores: number }).stores;

describe("an answer with signed thinking and a tool call, stored through one door", () => {
  // The chat door stores a complete answer, the other two an answer assembled from their stream.
  for (const [origin, ask] of Object.entries(doors) as Array<[Door, Ask]>) {
    const storedFromStream = origin !== "chat";
    test(`stored through the ${origin} door (${storedFromStream ? "streamed" : "not streamed"}), it replays through the other doors, streamed and not`, async () => {
      const question = `Open a.ts (${origin}, ${crypto.randomUUID()})`;
      upstream.enqueue({
        kind: "reply",
        reply: { content: [{ type: "thinking", thinking, signature }, { type: "tool_use", id: "toolu_01EveryDoor", name: "read_file", input: { path: "a.ts" } }] },
      });
      const before = await stores();
      const first = await ask(question, storedFromStream);
      expect(first).toEqual({ cache: "MISS", toolCall: { id: "toolu_01EveryDoor", name: "read_file", input: { path: "a.ts" } }, thinking, signature });
      await waitFor(async () => (await stores()) > before, { what: `the ${origin} door's answer to be stored` });
      const calls = upstream.requests.length;

      for (const [door, replay] of Object.entries(doors) as Array<[Door, Ask]>) {
        if (door === origin) continue;
        for (const stream of [false, true]) {
          const seen = await replay(question, stream);
          expect({ door, stream, ...seen }).toEqual({ door, stream, ...first, cache: "HIT" });
        }
      }
      expect(upstream.requests.length).toBe(calls);
    });
  }
});
