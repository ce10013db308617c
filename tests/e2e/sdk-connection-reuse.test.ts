import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Server, type Socket, connect, createServer } from "node:net";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The providers that call their upstream through an official SDK (Anthropic, Gemini, OpenAI's
 * Responses API) keep one
 * connection for request after request, streamed or not: a new connection per request would cost a
 * TLS handshake on every call to a real API. A relay in front of each mock counts the connections
 * the proxy opens.
 */
interface CountingRelay {
  url: string;
  connections: number;
  close(): Promise<void>;
}

async function countingRelay(target: string): Promise<CountingRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const relay: CountingRelay = { url: "", connections: 0, close: async () => {} };
  const server: Server = createServer((client) => {
    relay.connections++;
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  relay.url = target.replace(`:${port}`, `:${(server.address() as { port: number }).port}`);
  relay.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return relay;
}

const geminiKey = "AIzaSyReuse-mock-gemini-key-4Kq8";
let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let anthropicRelay: CountingRelay;
let geminiRelay: CountingRelay;
let openai: MockOpenAIUpstream;
let openaiRelay: CountingRelay;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  anthropic = startMockAnthropicUpstream();
  gemini = startMockGeminiUpstream({ apiKey: geminiKey });
  openai = startMockOpenAIUpstream();
  openaiRelay = await countingRelay(openai.url);
  anthropicRelay = await countingRelay(anthropic.url);
  geminiRelay = await countingRelay(gemini.url);
  proxy = await startTestProxy({
    ANTHROPIC_API_KEY: "sk-ant-reuse-test",
    ANTHROPIC_BASE_URL: anthropicRelay.url,
    GEMINI_API_KEY: geminiKey,
    GEMINI_BASE_URL: geminiRelay.url,
    OPENAI_API_KEY: "sk-reuse-test",
    OPENAI_BASE_URL: openaiRelay.url,
  });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([anthropicRelay.close(), geminiRelay.close(), openaiRelay.close()]);
  await anthropic.close();
  await gemini.close();
  await openai.close();
});

const readFileTool: OpenAI.ChatCompletionTool = {
  type: "function",
  function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
};

async function askFourTimesEachWay(model: string, tools?: OpenAI.ChatCompletionTool[]): Promise<string[]> {
  const answers: string[] = [];
  for (let index = 0; index < 4; index++) {
    const completion = await client.chat.completions.create({ model, tools, messages: [{ role: "user", content: `Question ${index}` }] });
    answers.push(completion.choices[0]!.message.content ?? "");
    const stream = await client.chat.completions.create({ model, tools, messages: [{ role: "user", content: `Streamed question ${index}` }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    answers.push(text);
  }
  return answers;
}

test("the Anthropic provider reuses one upstream connection for eight requests, streamed and not", async () => {
  const answers = await askFourTimesEachWay("claude-haiku-4-5");
  expect(answers.every((answer) => answer.length > 0)).toBe(true);
  expect(anthropic.requests.filter((request) => request.path === "/v1/messages")).toHaveLength(8);
  expect(anthropicRelay.connections).toBe(1);
});

test("the Gemini provider reuses one upstream connection for eight requests, streamed and not", async () => {
  const answers = await askFourTimesEachWay("gemini-2.5-flash");
  expect(answers.every((answer) => answer.length > 0)).toBe(true);
  expect(geminiRelay.connections).toBe(1);
});

test("the OpenAI provider's Responses API path (a model that takes tools only there) reuses one upstream connection", async () => {
  const answers = await askFourTimesEachWay("gpt-6.1-terra", [readFileTool]);
  expect(answers.every((answer) => answer.length > 0)).toBe(true);
  expect(openai.requests.map((request) => request.path)).toEqual(Array(8).fill("/v1/responses"));
  expect(openaiRelay.connections).toBe(1);
});
