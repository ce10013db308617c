import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseInputItem, Tool } from "openai/resources/responses/responses";
import { type ClaudeCliSandbox, createClaudeCliSandbox, realClaudeCli } from "../helpers/claude-cli-sandbox";
import {
  FINAL_TEXT,
  GEMINI_THOUGHT_SIGNATURE,
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
import { outputText, runResponsesTurn } from "../helpers/responses-turn";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The provider matrix through the Responses door: the conversation of tests/helpers/matrix-script.ts
 * (a read_file call, its result, a text answer), sent by the official `openai` client's Responses
 * API, streamed and not, to one proxy with all six providers on. Every provider must give the
 * client the same Responses output (a function_call item with the tool's name, arguments and a
 * call id; then a message with the final text; usage in Responses' names), and each upstream must
 * receive the call and its result in its own wire format. As in tests/e2e/provider-matrix.test.ts,
 * the real `claude` binary offers the client's tool under its MCP prefix (`mcp__client__read_file`)
 * and gets step 3 as the transcript the CLI provider renders.
 */
type Body = Record<string, unknown>;
type Message = Record<string, unknown> & { role: string };

interface Row {
  provider: string;
  upstreamModel: string;
  scriptToolCall(stream: boolean): void;
  scriptAnswer(stream: boolean): void;
  received(): Body[];
  expectRoundTripReceived(body: Body, callId: string): void;
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

const asRecord = (value: unknown): Body => (value && typeof value === "object" ? (value as Body) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const anthropicText = (content: unknown): string =>
  typeof content === "string" ? content : asArray(content).map((block) => (asRecord(block).type === "text" ? String(asRecord(block).text) : "")).join("");

function openAIWireRow(provider: string, upstreamModel: string, mock: () => MockOpenAIUpstream): Row {
  return {
    provider,
    upstreamModel,
    scriptToolCall: (stream) => mock().enqueue(openAIToolCallReply(stream)),
    scriptAnswer: (stream) => mock().enqueue(openAIAnswerReply(stream)),
    received: () => mock().requests.filter((request) => request.path === "/v1/chat/completions").map((request) => request.body),
    expectRoundTripReceived(body, callId) {
      const messages = asArray(body.messages) as Message[];
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
      const [call] = asArray(messages[1]!.tool_calls) as Array<{ id: string; function: { name: string; arguments: string } }>;
      expect(call!.id).toBe(callId);
      expect(call!.function.name).toBe(TOOL_NAME);
      expect(JSON.parse(call!.function.arguments)).toEqual(TOOL_ARGUMENTS);
      expect(messages[2]).toMatchObject({ role: "tool", tool_call_id: callId, content: TOOL_RESULT });
    },
  };
}

const anthropicMessages = (mock: MockAnthropicUpstream) => mock.requests.filter((request) => request.path === "/v1/messages").map((request) => request.body);
/** The name the Claude CLI gives the client's tool (its MCP server is called `client`). */
const CLI_TOOL_NAME = `mcp__client__${TOOL_NAME}`;

const rows: Row[] = [
  openAIWireRow("openai", "gpt-4o-mini", () => openai),
  openAIWireRow("ollama", "qwen2.5-coder:7b", () => ollama),
  openAIWireRow("lab", "lab-coder", () => lab),
  {
    provider: "anthropic",
    upstreamModel: "claude-haiku-4-5",
    scriptToolCall: () => anthropic.enqueue(anthropicToolCallReply()),
    scriptAnswer: () => anthropic.enqueue(anthropicTextReply(FINAL_TEXT, STEP3_USAGE)),
    received: () => anthropicMessages(anthropic),
    expectRoundTripReceived(body, callId) {
      const messages = asArray(body.messages) as Message[];
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(asArray(messages[1]!.content)).toContainEqual({ type: "tool_use", id: callId, name: TOOL_NAME, input: TOOL_ARGUMENTS });
      const results = asArray(messages[2]!.content).map(asRecord).filter((block) => block.type === "tool_result");
      expect(results.map((block) => [block.tool_use_id, anthropicText(block.content)])).toEqual([[callId, TOOL_RESULT]]);
    },
  },
  {
    provider: "gemini",
    upstreamModel: "gemini-3.5-flash-lite",
    scriptToolCall: () => gemini.enqueue(geminiToolCallReply()),
    scriptAnswer: (stream) => gemini.enqueue(geminiAnswerReply(stream)),
    received: () => gemini.requests.map((request) => request.body),
    expectRoundTripReceived(body) {
      const contents = asArray(body.contents) as Array<{ role: string; parts: Body[] }>;
      expect(contents.map((content) => content.role)).toEqual(["user", "model", "user"]);
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
    expectRoundTripReceived(body, callId) {
      expect(asArray(body.tools).map((tool) => asRecord(tool).name)).toEqual([CLI_TOOL_NAME]);
      const prompt = (asArray(body.messages) as Message[]).filter((message) => message.role === "user").map((message) => anthropicText(message.content)).join("\n");
      expect(prompt).toContain(`<tool_call id="${callId}" name="${CLI_TOOL_NAME}">\n${JSON.stringify(TOOL_ARGUMENTS)}\n</tool_call>`);
      expect(prompt).toContain(`<tool_result tool_call_id="${callId}">\n${TOOL_RESULT}\n</tool_result>`);
    },
  },
];

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
  anthropic = startMockAnthropicUpstream({ apiKey: "sk-ant-responses-matrix" });
  gemini = startMockGeminiUpstream({ apiKey: "AIzaSyResponses-mock-gemini-key" });
  cliUpstream = startMockAnthropicUpstream();
  sandbox = createClaudeCliSandbox(cliUpstream.url);
  const customProviders = [{ id: "lab", baseUrl: lab.url, apiKey: "sk-lab-responses", models: [{ id: "lab-coder", tier: "standard" }] }];
  proxy = await withEnvironment(sandbox.env, () =>
    startTestProxy({
      OPENAI_API_KEY: "sk-openai-responses-matrix",
      OPENAI_BASE_URL: openai.url,
      ANTHROPIC_API_KEY: "sk-ant-responses-matrix",
      ANTHROPIC_BASE_URL: anthropic.url,
      GEMINI_API_KEY: "AIzaSyResponses-mock-gemini-key",
      GEMINI_BASE_URL: gemini.url,
      OLLAMA_ENABLED: "true",
      OLLAMA_BASE_URL: ollama.origin,
      CUSTOM_PROVIDERS: JSON.stringify(customProviders),
      CLAUDE_CLI_ENABLED: "true",
      CLAUDE_CLI_PATH: realClaudeCli,
    }),
  );
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await Promise.all([openai, ollama, lab, anthropic, gemini, cliUpstream].map((mock) => mock.close()));
  sandbox.cleanup();
});

const readFileTool: Tool = {
  type: "function",
  name: TOOL_NAME,
  description: "Read a file of the project",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  strict: false,
};

const responsesUsage = (usage: typeof STEP1_USAGE) => ({ input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens });

describe.each(rows)("$provider through the Responses door", (row) => {
  const model = `${row.provider}:${row.upstreamModel}`;

  test.each([false, true])("tool round trip, stream: %p", async (stream) => {
    const before = row.received().length;
    const input: ResponseInputItem[] = [{ role: "user", content: USER_PROMPT }];

    row.scriptToolCall(stream);
    const first = await runResponsesTurn(client, { model, input, tools: [readFileTool], stream });
    expect([first.provider, first.model]).toEqual([row.provider, row.upstreamModel]);
    expect(first.response).toMatchObject({ object: "response", status: "completed", usage: responsesUsage(STEP1_USAGE) });
    expect(first.response.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(first.response.id).toBe(`resp_${first.taskId!.replaceAll("-", "")}`);
    if (stream) expect(first.eventTypes.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
    expect(row.received()).toHaveLength(before + 1);

    expect(first.response.output.map((item) => item.type)).toEqual(["function_call"]);
    const call = first.response.output[0]!;
    if (call.type !== "function_call") throw new Error("expected a function call");
    expect(call.name).toBe(TOOL_NAME);
    expect(JSON.parse(call.arguments)).toEqual(TOOL_ARGUMENTS);
    expect(call.call_id.length).toBeGreaterThan(0);
    expect(call.id).toStartWith("fc_");
    if (stream) expect(first.eventTypes).toContain("response.function_call_arguments.done");
    const callId = call.call_id;
    // The client sends the model's output items back as they came, as Codex does.
    input.push(...(first.response.output as ResponseInputItem[]));
    input.push({ type: "function_call_output", call_id: callId, output: TOOL_RESULT });

    row.scriptAnswer(stream);
    const second = await runResponsesTurn(client, { model, input, tools: [readFileTool], stream });
    expect(second.provider).toBe(row.provider);
    expect(second.response).toMatchObject({ status: "completed", usage: responsesUsage(STEP3_USAGE) });
    expect(second.response.output.map((item) => item.type)).toEqual(["message"]);
    expect(outputText(second.response)).toBe(FINAL_TEXT);
    if (stream) {
      expect(second.eventTypes.filter((type) => type === "response.output_text.delta").length).toBeGreaterThan(1);
      expect(second.eventTypes.at(-1)).toBe("response.completed");
    }
    expect(row.received()).toHaveLength(before + 2);
    row.expectRoundTripReceived(row.received()[before + 1]!, callId);
  }, 20_000);
});
