import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
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
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The provider matrix through the Anthropic door: @anthropic-ai/sdk against one proxy with all six
 * providers on, each named as `provider:model`. The same conversation (helpers/matrix-script.ts:
 * the user asks, the model calls read_file, the client returns the result, the model answers) must
 * give the Anthropic client the same answer from every provider, streamed and not: a tool_use block
 * with the call, stop_reason tool_use, then the text, end_turn, and the upstream's usage; and each
 * upstream must receive the tool round trip in its own format. Thinking, an image and an upstream
 * error go through every provider too. The Claude CLI (the real binary) offers the client's tool
 * under its MCP prefix (`mcp__client__read_file`) and gets step 3 as the transcript the CLI
 * provider renders; the client sees only its own tool name.
 */
type Body = Record<string, unknown>;
type Message = Record<string, unknown> & { role: string };

interface DoorRow {
  provider: string;
  upstreamModel: string;
  scriptToolCall(stream: boolean): void;
  scriptAnswer(stream: boolean): void;
  /** A streamed answer with reasoning, where the upstream sends reasoning. */
  scriptThinking(): void;
  /** The thinking block the client gets: signed (Anthropic's own), unsigned (readable reasoning), or none. */
  thinking: "signed" | "unsigned" | "none";
  /** How the thinking request reached the upstream, in its own format. */
  expectThinkingReceived(body: Body): void;
  scriptRateLimit(): void;
  received(): Body[];
  expectRoundTripReceived(body: Body, callId: string): void;
  /** Undefined: the provider cannot read images. */
  expectImageReceived?(body: Body): void;
}

let openai: MockOpenAIUpstream;
let ollama: MockOpenAIUpstream;
let lab: MockOpenAIUpstream;
let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let cliUpstream: MockAnthropicUpstream;
let sandbox: ClaudeCliSandbox;
let proxy: TestProxy;
let client: Anthropic;

const asRecord = (value: unknown): Body => (value && typeof value === "object" ? (value as Body) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const anthropicText = (content: unknown): string =>
  typeof content === "string" ? content : asArray(content).map((block) => (asRecord(block).type === "text" ? String(asRecord(block).text) : "")).join("");
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
/** The name the Claude CLI gives the client's tool (its MCP server is called `client`). */
const CLI_TOOL_NAME = `mcp__client__${TOOL_NAME}`;

function openAIWireRow(provider: string, upstreamModel: string, mock: () => MockOpenAIUpstream, reasoning: boolean): DoorRow {
  return {
    provider,
    upstreamModel,
    scriptToolCall: (stream) => mock().enqueue(openAIToolCallReply(stream)),
    scriptAnswer: (stream) => mock().enqueue(openAIAnswerReply(stream)),
    scriptThinking: () => mock().enqueue(reasoning ? { kind: "fixture", name: "reasoning-ollama" } : openAIAnswerReply(true)),
    thinking: reasoning ? "unsigned" : "none",
    expectThinkingReceived(body) {
      // OpenAI itself rejects the Anthropic-form object; other OpenAI-wire servers may read it.
      if (provider === "openai") expect(body.thinking).toBeUndefined();
      else expect(body.reasoning_effort).toBe("medium");
    },
    scriptRateLimit: () => mock().enqueue({ kind: "error", status: 429, body: { error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } } }),
    received: () => mock().requests.filter((request) => request.path === "/v1/chat/completions").map((request) => request.body),
    expectRoundTripReceived(body, callId) {
      const messages = asArray(body.messages) as Message[];
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
      expect(messages[1]!.tool_calls).toEqual([{ id: callId, type: "function", function: { name: TOOL_NAME, arguments: JSON.stringify(TOOL_ARGUMENTS) } }]);
      expect(messages[2]).toMatchObject({ role: "tool", tool_call_id: callId, content: TOOL_RESULT });
    },
    expectImageReceived(body) {
      const [message] = asArray(body.messages) as Message[];
      expect(message!.content).toEqual([
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
        { type: "text", text: "What colour is this pixel?" },
      ]);
    },
  };
}

const anthropicMessages = (mock: MockAnthropicUpstream) => mock.requests.filter((request) => request.path === "/v1/messages").map((request) => request.body);

const rows: DoorRow[] = [
  openAIWireRow("openai", "gpt-4o-mini", () => openai, false),
  openAIWireRow("ollama", "qwen2.5-coder:7b", () => ollama, true),
  openAIWireRow("lab", "lab-coder", () => lab, true),
  {
    provider: "anthropic",
    upstreamModel: "claude-haiku-4-5",
    scriptToolCall: () => anthropic.enqueue(anthropicToolCallReply()),
    scriptAnswer: () => anthropic.enqueue(anthropicTextReply(FINAL_TEXT, STEP3_USAGE)),
    scriptThinking: () => anthropic.enqueue({ kind: "reply", reply: { content: [{ type: "thinking", thinking: "Colour first.", signature: "EqMatrixSig==" }, { type: "text", text: "Red." }] } }),
    thinking: "signed",
    expectThinkingReceived: (body) => expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 }),
    scriptRateLimit: () => anthropic.enqueue({ kind: "error", status: 429 }),
    received: () => anthropicMessages(anthropic),
    expectRoundTripReceived(body, callId) {
      const messages = asArray(body.messages) as Message[];
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(messages[1]!.content).toEqual([{ type: "tool_use", id: callId, name: TOOL_NAME, input: TOOL_ARGUMENTS }]);
      expect(messages[2]!.content).toEqual([{ type: "tool_result", tool_use_id: callId, content: TOOL_RESULT }]);
    },
    expectImageReceived(body) {
      const [message] = asArray(body.messages) as Message[];
      expect(message!.content).toEqual([
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        { type: "text", text: "What colour is this pixel?" },
      ]);
    },
  },
  {
    provider: "gemini",
    upstreamModel: "gemini-3.5-flash-lite",
    scriptToolCall: () => gemini.enqueue(geminiToolCallReply()),
    scriptAnswer: (stream) => gemini.enqueue(geminiAnswerReply(stream)),
    scriptThinking: () => gemini.enqueue({ kind: "fixture", name: "thinking" }),
    thinking: "unsigned",
    expectThinkingReceived: (body) => expect(asRecord(body.generationConfig).thinkingConfig).toMatchObject({ includeThoughts: true }),
    scriptRateLimit: () => gemini.enqueue({ kind: "error", status: 429 }),
    received: () => gemini.requests.map((request) => request.body),
    expectRoundTripReceived(body) {
      const contents = asArray(body.contents) as Array<{ role: string; parts: Body[] }>;
      expect(contents.map((content) => content.role)).toEqual(["user", "model", "user"]);
      expect(contents[1]!.parts).toEqual([{ functionCall: { name: TOOL_NAME, args: TOOL_ARGUMENTS }, thoughtSignature: GEMINI_THOUGHT_SIGNATURE }]);
      expect(contents[2]!.parts).toEqual([{ functionResponse: { name: TOOL_NAME, response: { output: TOOL_RESULT } } }]);
    },
    expectImageReceived(body) {
      const contents = asArray(body.contents) as Array<{ parts: Body[] }>;
      expect(contents[0]!.parts).toEqual([{ inlineData: { mimeType: "image/png", data: PNG } }, { text: "What colour is this pixel?" }]);
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
    scriptThinking: () => cliUpstream.enqueue({ kind: "reply", reply: { content: [{ type: "thinking", thinking: "Colour first.", signature: "EqCliSig==" }, { type: "text", text: "Red." }] } }),
    thinking: "unsigned",
    expectThinkingReceived: () => {},
    scriptRateLimit: () => cliUpstream.enqueue({ kind: "error", status: 429 }),
    received: () => anthropicMessages(cliUpstream),
    expectRoundTripReceived(body, callId) {
      expect(asArray(body.tools).map((tool) => asRecord(tool).name)).toEqual([CLI_TOOL_NAME]);
      const messages = asArray(body.messages) as Message[];
      const prompt = messages.filter((message) => message.role === "user").map((message) => anthropicText(message.content)).join("\n");
      expect(prompt).toContain(`<tool_call id="${callId}" name="${CLI_TOOL_NAME}">\n${JSON.stringify(TOOL_ARGUMENTS)}\n</tool_call>`);
      expect(prompt).toContain(`<tool_result tool_call_id="${callId}">\n${TOOL_RESULT}\n</tool_result>`);
    },
    expectImageReceived(body) {
      // The CLI puts its own system-reminder blocks before the user's content.
      const last = (asArray(body.messages) as Message[]).filter((message) => message.role === "user").at(-1)!;
      const [image, text] = asArray(last.content).slice(-2).map(asRecord);
      expect(image).toMatchObject({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } });
      expect(text).toMatchObject({ type: "text", text: "What colour is this pixel?" });
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
  anthropic = startMockAnthropicUpstream({ apiKey: "sk-ant-door-matrix" });
  gemini = startMockGeminiUpstream({ apiKey: "AIzaSyDoorMatrix-mock-gemini-key" });
  cliUpstream = startMockAnthropicUpstream();
  sandbox = createClaudeCliSandbox(cliUpstream.url);
  proxy = await withEnvironment(sandbox.env, () =>
    startTestProxy({
      OPENAI_API_KEY: "sk-openai-door-matrix",
      OPENAI_BASE_URL: openai.url,
      ANTHROPIC_API_KEY: "sk-ant-door-matrix",
      ANTHROPIC_BASE_URL: anthropic.url,
      GEMINI_API_KEY: "AIzaSyDoorMatrix-mock-gemini-key",
      GEMINI_BASE_URL: gemini.url,
      OLLAMA_ENABLED: "true",
      OLLAMA_BASE_URL: ollama.origin,
      CUSTOM_PROVIDERS: JSON.stringify([{ id: "lab", baseUrl: lab.url, apiKey: "sk-lab-door-matrix", models: [{ id: "lab-coder", tier: "standard" }] }]),
      CLAUDE_CLI_ENABLED: "true",
      CLAUDE_CLI_PATH: realClaudeCli,
    }),
  );
  client = new Anthropic({ apiKey: "anything", baseURL: proxy.origin, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await Promise.all([openai, ollama, lab, anthropic, gemini, cliUpstream].map((mock) => mock.close()));
  sandbox.cleanup();
});

const READ_FILE: Anthropic.Tool = {
  name: TOOL_NAME,
  description: "Read a file of the project",
  input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

/** One turn through the SDK, streamed or not, with the response's headers. */
async function turn(params: Anthropic.MessageCreateParamsNonStreaming, stream: boolean) {
  if (!stream) {
    const { data, response } = await client.messages.create(params).withResponse();
    return { message: data, headers: response.headers };
  }
  const runner = client.messages.stream(params);
  const message = await runner.finalMessage();
  const { response } = await runner.withResponse();
  return { message, headers: response.headers };
}

describe.each(rows)("$provider", (row) => {
  const model = `${row.provider}:${row.upstreamModel}`;

  test.each([false, true])(
    "tool round trip, stream: %p",
    async (stream) => {
      const messages: Anthropic.MessageParam[] = [{ role: "user", content: USER_PROMPT }];
      const before = row.received().length;
      row.scriptToolCall(stream);
      const first = await turn({ model, max_tokens: 1024, tools: [READ_FILE], messages }, stream);
      expect(first.headers.get("x-provider")).toBe(row.provider);
      expect(first.headers.get("x-model")).toBe(row.upstreamModel);
      expect(first.message.usage).toMatchObject({ input_tokens: STEP1_USAGE.prompt_tokens, output_tokens: STEP1_USAGE.completion_tokens });

      expect(first.message.stop_reason).toBe("tool_use");
      expect(first.message.content.map((block) => block.type)).toEqual(["tool_use"]);
      const call = first.message.content[0] as Anthropic.ToolUseBlock;
      expect(call).toMatchObject({ name: TOOL_NAME, input: TOOL_ARGUMENTS });
      expect(call.id.length).toBeGreaterThan(0);
      const callId = call.id;
      messages.push({ role: "assistant", content: first.message.content });
      messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: callId, content: TOOL_RESULT }] });

      row.scriptAnswer(stream);
      const second = await turn({ model, max_tokens: 1024, tools: [READ_FILE], messages }, stream);
      expect(second.message.stop_reason).toBe("end_turn");
      expect(second.message.content.map((block) => block.type)).toEqual(["text"]);
      expect((second.message.content[0] as Anthropic.TextBlock).text).toBe(FINAL_TEXT);
      expect(second.message.usage).toMatchObject({ input_tokens: STEP3_USAGE.prompt_tokens, output_tokens: STEP3_USAGE.completion_tokens });

      expect(row.received()).toHaveLength(before + 2);
      row.expectRoundTripReceived(row.received()[before + 1]!, callId);
    },
    30_000,
  );

  test(
    "thinking: the request reaches the upstream in its form; reasoning comes back as a thinking block",
    async () => {
      row.scriptThinking();
      const { message } = await turn({ model, max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 }, messages: [{ role: "user", content: "Think, then answer." }] }, true);
      row.expectThinkingReceived(row.received().at(-1)!);
      const thinking = message.content.filter((block): block is Anthropic.ThinkingBlock => block.type === "thinking");
      if (row.thinking === "none") expect(thinking).toEqual([]);
      else {
        expect(thinking).toHaveLength(1);
        expect(thinking[0]!.thinking.length).toBeGreaterThan(0);
        if (row.thinking === "signed") expect(thinking[0]!.signature).toBe("EqMatrixSig==");
        else expect(thinking[0]!.signature).toBe("");
      }
      expect(message.content.at(-1)!.type).toBe("text");
    },
    30_000,
  );

  test(
    "an image: the upstream receives it in its form, or the client gets a clear 400",
    async () => {
      const params: Anthropic.MessageCreateParamsNonStreaming = {
        model,
        max_tokens: 256,
        messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }, { type: "text", text: "What colour is this pixel?" }] }],
      };
      if (!row.expectImageReceived) {
        const failure = await client.messages.create(params).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(APIError);
        expect((failure as APIError).status).toBe(400);
        expect((failure as APIError).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
        expect((failure as APIError).message).toContain("image_url");
        return;
      }
      const before = row.received().length;
      await client.messages.create(params);
      expect(row.received()).toHaveLength(before + 1);
      row.expectImageReceived(row.received().at(-1)!);
    },
    30_000,
  );

  test(
    "an upstream that is rate limited: an Anthropic-shaped error",
    async () => {
      row.scriptRateLimit();
      const failure = await client.messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(APIError);
      const error = failure as APIError;
      const body = error.error as { type: string; error: { type: string; message: string } };
      expect(Object.keys(body).sort()).toEqual(["error", "type"]);
      expect(Object.keys(body.error).sort()).toEqual(["message", "type"]);
      expect(error.status).toBe(429);
      expect(`${body.type}/${body.error.type}`).toBe("error/rate_limit_error");
    },
    30_000,
  );
});

test("an unknown model is Anthropic's 404 not_found_error", async () => {
  const failure = await client.messages.create({ model: "no-such-model", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }).catch((error: unknown) => error);
  expect((failure as APIError).status).toBe(404);
  expect((failure as APIError).error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
});
