import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { type ClaudeCliSandbox, createClaudeCliSandbox, realClaudeCli } from "../helpers/claude-cli-sandbox";
import { type ClientToolCall, runTurn } from "../helpers/matrix-client";
import {
  FINAL_TEXT,
  GEMINI_THOUGHT_SIGNATURE,
  READ_FILE_TOOL,
  STEP1_USAGE,
  STEP3_USAGE,
  TOOL_ARGUMENTS,
  TOOL_NAME,
  TOOL_RESULT,
  USER_PROMPT,
  anthropicTextReply,
  anthropicToolCallReply,
  geminiAnswerReply,
  geminiToolCallReply,
  openAIAnswerReply,
  openAIToolCallReply,
} from "../helpers/matrix-script";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The provider matrix: one scripted conversation with a tool round trip goes through every provider,
 * streamed and not, via the official `openai` client against one proxy with all six providers on:
 *   1. the user asks; the model answers with a read_file tool call;
 *   2. the client sends the assistant tool_calls turn back plus a `role: "tool"` result;
 *   3. the model answers with text.
 * The client must see the same OpenAI output from each (tool name and parsed arguments, a tool-call
 * id, finish_reason "tool_calls" then "stop", the final text, usage with include_usage, x-provider),
 * and each mock upstream must have received step 2's tool call and result in its own wire format.
 *
 * For claude-cli the upstream is the real `claude` binary's: it offers the client's tool under its
 * MCP prefix (`mcp__client__read_file`), and step 2's call and result reach the model as the
 * transcript the CLI provider renders into its one prompt.
 *
 * Adding a provider is one row of `rows`.
 */
type Body = Record<string, unknown>;
type Message = Record<string, unknown> & { role: string };

interface MatrixRow {
  /** The provider id: `x-provider` and the prefix of the model name. */
  provider: string;
  /** The model as the upstream knows it (`x-model`). */
  upstreamModel: string;
  scriptToolCall(stream: boolean): void;
  scriptAnswer(stream: boolean): void;
  /** Bodies of the chat requests the provider's mock received, oldest first. */
  received(): Body[];
  /** Names of the tools a received body offered the model, read in the upstream's wire format. */
  toolsOffered(body: Body): string[];
  /** Asserts that step 2 (the assistant's call and the tool result) reached the upstream in its own format. */
  expectRoundTripReceived(body: Body, call: ClientToolCall): void;
}

let openai: MockOpenAIUpstream;
let ollama: MockOpenAIUpstream;
let lab: MockOpenAIUpstream;
let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let cliUpstream: MockAnthropicUpstream;
let sandbox: ClaudeCliSandbox;
let proxy: TestProxy;
let client: OpenAI;

// ---- reading each wire format ----

const asRecord = (value: unknown): Body => (value && typeof value === "object" ? (value as Body) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** Anthropic content: a string, or blocks whose text blocks are joined. */
const anthropicText = (content: unknown): string =>
  typeof content === "string" ? content : asArray(content).map((block) => (asRecord(block).type === "text" ? String(asRecord(block).text) : "")).join("");

function expectOpenAIWireRoundTrip(body: Body, call: ClientToolCall): void {
  const messages = asArray(body.messages) as Message[];
  expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
  const [sentCall] = asArray(messages[1]!.tool_calls) as Array<{ id: string; function: { name: string; arguments: string } }>;
  expect(sentCall!.id).toBe(call.id!);
  expect(sentCall!.function.name).toBe(TOOL_NAME);
  expect(JSON.parse(sentCall!.function.arguments)).toEqual(TOOL_ARGUMENTS);
  expect(messages[2]).toMatchObject({ role: "tool", tool_call_id: call.id!, content: TOOL_RESULT });
}

const openAIWireTools = (body: Body) => asArray(body.tools).map((tool) => String(asRecord(asRecord(tool).function).name));
const anthropicTools = (body: Body) => asArray(body.tools).map((tool) => String(asRecord(tool).name));

function openAIWireRow(provider: string, upstreamModel: string, mock: () => MockOpenAIUpstream): MatrixRow {
  return {
    provider,
    upstreamModel,
    scriptToolCall: (stream) => mock().enqueue(openAIToolCallReply(stream)),
    scriptAnswer: (stream) => mock().enqueue(openAIAnswerReply(stream)),
    received: () => mock().requests.filter((request) => request.path === "/v1/chat/completions").map((request) => request.body),
    toolsOffered: openAIWireTools,
    expectRoundTripReceived: expectOpenAIWireRoundTrip,
  };
}

const anthropicMessages = (mock: MockAnthropicUpstream) =>
  mock.requests.filter((request) => request.path === "/v1/messages").map((request) => request.body);

/** The name the Claude CLI gives the client's tool (its MCP server is called `client`). */
const CLI_TOOL_NAME = `mcp__client__${TOOL_NAME}`;

const rows: MatrixRow[] = [
  openAIWireRow("openai", "gpt-4o-mini", () => openai),
  openAIWireRow("ollama", "qwen2.5-coder:7b", () => ollama),
  openAIWireRow("lab", "lab-coder", () => lab),
  {
    provider: "anthropic",
    upstreamModel: "claude-haiku-4-5",
    scriptToolCall: () => anthropic.enqueue(anthropicToolCallReply()),
    scriptAnswer: () => anthropic.enqueue(anthropicTextReply(FINAL_TEXT, STEP3_USAGE)),
    received: () => anthropicMessages(anthropic),
    toolsOffered: anthropicTools,
    expectRoundTripReceived(body, call) {
      const messages = asArray(body.messages) as Message[];
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(asArray(messages[1]!.content)).toContainEqual({ type: "tool_use", id: call.id!, name: TOOL_NAME, input: TOOL_ARGUMENTS });
      const results = asArray(messages[2]!.content).map(asRecord).filter((block) => block.type === "tool_result");
      expect(results).toHaveLength(1);
      expect(results[0]!.tool_use_id).toBe(call.id!);
      expect(anthropicText(results[0]!.content)).toBe(TOOL_RESULT);
    },
  },
  {
    provider: "gemini",
    upstreamModel: "gemini-3.5-flash-lite",
    scriptToolCall: () => gemini.enqueue(geminiToolCallReply()),
    scriptAnswer: (stream) => gemini.enqueue(geminiAnswerReply(stream)),
    received: () => gemini.requests.map((request) => request.body),
    toolsOffered: (body) => asArray(body.tools).flatMap((tool) => asArray(asRecord(tool).functionDeclarations).map((declaration) => String(asRecord(declaration).name))),
    expectRoundTripReceived(body) {
      const contents = asArray(body.contents) as Array<{ role: string; parts: Body[] }>;
      expect(contents.map((content) => content.role)).toEqual(["user", "model", "user"]);
      // Gemini pairs a response with its call by function name; the call's signature must come back too.
      expect(contents[1]!.parts).toEqual([{ functionCall: { name: TOOL_NAME, args: TOOL_ARGUMENTS }, thoughtSignature: GEMINI_THOUGHT_SIGNATURE }]);
      expect(contents[2]!.parts).toEqual([{ functionResponse: { name: TOOL_NAME, response: { output: TOOL_RESULT } } }]);
    },
  },
  {
    provider: "claude-cli",
    upstreamModel: "claude-haiku-4-5",
    scriptToolCall: () => {
      const reply = anthropicToolCallReply();
      if (reply.kind === "reply") reply.reply.content = reply.reply.content.map((block) => (block.type === "tool_use" ? { ...block, name: CLI_TOOL_NAME } : block));
      cliUpstream.enqueue(reply);
    },
    scriptAnswer: () => cliUpstream.enqueue(anthropicTextReply(FINAL_TEXT, STEP3_USAGE)),
    received: () => anthropicMessages(cliUpstream),
    toolsOffered: (body) => anthropicTools(body).map((name) => (name === CLI_TOOL_NAME ? TOOL_NAME : `unexpected:${name}`)),
    expectRoundTripReceived(body, call) {
      // The CLI sends the whole rendered transcript as its one user prompt.
      const messages = asArray(body.messages) as Message[];
      const prompt = messages.filter((message) => message.role === "user").map((message) => anthropicText(message.content)).join("\n");
      expect(prompt).toContain(`<user>\n${USER_PROMPT}\n</user>`);
      expect(prompt).toContain(`<tool_call id="${call.id}" name="${CLI_TOOL_NAME}">\n${JSON.stringify(TOOL_ARGUMENTS)}\n</tool_call>`);
      expect(prompt).toContain(`<tool_result tool_call_id="${call.id}">\n${TOOL_RESULT}\n</tool_result>`);
    },
  },
];

// ---- the proxy with all six providers ----

/** The CLI provider hands its child the proxy's environment as it is when the provider is built. */
async function withEnvironment<T>(environment: Record<string, string>, build: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    return await build();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

beforeAll(async () => {
  openai = startMockOpenAIUpstream();
  ollama = startMockOpenAIUpstream({ ollamaModels: ["qwen2.5-coder:7b"] });
  lab = startMockOpenAIUpstream();
  anthropic = startMockAnthropicUpstream({ apiKey: "sk-ant-matrix-key" });
  gemini = startMockGeminiUpstream({ apiKey: "AIzaSyMatrix-mock-gemini-key" });
  cliUpstream = startMockAnthropicUpstream();
  sandbox = createClaudeCliSandbox(cliUpstream.url);
  const customProviders = [{ id: "lab", baseUrl: lab.url, apiKey: "sk-lab-matrix", models: [{ id: "lab-coder", tier: "standard" }] }];
  proxy = await withEnvironment(sandbox.env, () =>
    startTestProxy({
      OPENAI_API_KEY: "sk-openai-matrix",
      OPENAI_BASE_URL: openai.url,
      ANTHROPIC_API_KEY: "sk-ant-matrix-key",
      ANTHROPIC_BASE_URL: anthropic.url,
      GEMINI_API_KEY: "AIzaSyMatrix-mock-gemini-key",
      GEMINI_BASE_URL: gemini.url,
      OLLAMA_ENABLED: "true",
      OLLAMA_BASE_URL: ollama.origin,
      CUSTOM_PROVIDERS: JSON.stringify(customProviders),
      CLAUDE_CLI_ENABLED: "true",
      CLAUDE_CLI_PATH: realClaudeCli,
    }),
  );
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  // A fresh in-memory database and the Claude CLI's start-up check: seconds each on a busy machine.
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await Promise.all([openai, ollama, lab, anthropic, gemini, cliUpstream].map((mock) => mock.close()));
  sandbox.cleanup();
});

test("all six providers are active in the one proxy", async () => {
  const response = await fetch(`${proxy.origin}/health`);
  const health = (await response.json()) as { providers: Array<{ id: string }> };
  expect(health.providers.map((provider) => provider.id).sort()).toEqual(rows.map((row) => row.provider).sort());
});

// ---- the shared assertions ----

describe.each(rows)("$provider", (row) => {
  const model = `${row.provider}:${row.upstreamModel}`;

  test.each([false, true])("tool round trip, stream: %p", async (stream) => {
    const tools = [READ_FILE_TOOL];
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: USER_PROMPT }];
    const before = row.received().length;

    // Step 1: the user asks; the model calls read_file (or, without tools, answers with the notice).
    row.scriptToolCall(stream);
    const first = await runTurn(client, { model, messages, tools, stream });
    expect(first.provider).toBe(row.provider);
    expect(first.model).toBe(row.upstreamModel);
    expect(first.roles).toEqual(["assistant"]);
    expect(first.chunkIds).toHaveLength(1);
    expect(first.usage).toMatchObject(STEP1_USAGE);
    if (stream) expect({ usageChunks: first.usageChunks, usageLast: first.usageLast }).toEqual({ usageChunks: 1, usageLast: true });
    const step1Body = row.received()[before]!;
    expect(row.received()).toHaveLength(before + 1);

    expect(row.toolsOffered(step1Body)).toEqual([TOOL_NAME]);
    expect(first.finishReasons).toEqual(["tool_calls"]);
    expect(first.content).toBeNull();
    expect(first.toolCalls).toHaveLength(1);
    const call: ClientToolCall = first.toolCalls[0]!;
    expect(call.id).toBeString();
    expect(call.id!.length).toBeGreaterThan(0);
    expect(call.type).toBe("function");
    expect(call.name).toBe(TOOL_NAME);
    expect(JSON.parse(call.arguments)).toEqual(TOOL_ARGUMENTS);

    // Step 2: the client sends the assistant's tool call back with the tool's result.
    messages.push(
      { role: "assistant", content: null, tool_calls: [{ id: call.id!, type: "function", function: { name: call.name, arguments: call.arguments } }] },
      { role: "tool", tool_call_id: call.id!, content: TOOL_RESULT },
    );

    // Step 3: the model answers with text.
    row.scriptAnswer(stream);
    const second = await runTurn(client, { model, messages, tools, stream });
    expect(second.provider).toBe(row.provider);
    expect(second.model).toBe(row.upstreamModel);
    expect(second.roles).toEqual(["assistant"]);
    expect(second.chunkIds).toHaveLength(1);
    expect(second.toolCalls).toEqual([]);
    expect(second.finishReasons).toEqual(["stop"]);
    expect(second.content).toBe(FINAL_TEXT);
    if (stream) {
      expect(second.contentChunks).toBeGreaterThan(1);
      expect({ usageChunks: second.usageChunks, usageLast: second.usageLast }).toEqual({ usageChunks: 1, usageLast: true });
    }
    expect(second.usage).toMatchObject(STEP3_USAGE);

    // What the upstream received for step 3, in its own wire format.
    expect(row.received()).toHaveLength(before + 2);
    const step3Body = row.received()[before + 1]!;
    expect(row.toolsOffered(step3Body)).toEqual([TOOL_NAME]);
    row.expectRoundTripReceived(step3Body, call);
  }, 20_000);
});
