import { type ClaudeCliSandbox, createClaudeCliSandbox, realClaudeCli } from "./claude-cli-sandbox";
import { withEnvironment } from "./claude-cli-proxy";
import {
  FINAL_TEXT,
  STEP3_USAGE,
  anthropicTextReply,
  anthropicToolCallReply,
  geminiAnswerReply,
  geminiToolCallReply,
  openAIAnswerReply,
  openAIToolCallReply,
} from "./matrix-script";
import { CLI_TOOL_NAME, type Body, expectAnthropicRoundTrip, expectCliRoundTrip, expectGeminiRoundTrip, expectOpenAIWireRoundTrip } from "./matrix-wire";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "./mock-anthropic-upstream";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "./mock-gemini-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "./mock-openai-upstream";
import { type TestProxy, startTestProxy } from "./test-proxy";

/**
 * The one proxy the door matrices (tests/e2e/provider-matrix.test.ts, anthropic-door-matrix.test.ts,
 * responses-door-matrix.test.ts) send the conversation of matrix-script.ts through: all six
 * providers on, each with its own mock upstream in its real wire format, and the Claude CLI as the
 * real `claude` binary in a sandbox whose upstream is a mock Anthropic API. Each door's test adds
 * its own client and its own assertions to the rows `matrixRows` gives.
 */
export interface MatrixUpstreams {
  openai: MockOpenAIUpstream;
  ollama: MockOpenAIUpstream;
  /** A custom OpenAI-compatible endpoint (CUSTOM_PROVIDERS). */
  lab: MockOpenAIUpstream;
  anthropic: MockAnthropicUpstream;
  gemini: MockGeminiUpstream;
  /** The mock Anthropic API behind the real `claude` binary. */
  cliUpstream: MockAnthropicUpstream;
}

export interface MatrixProxy extends MatrixUpstreams {
  proxy: TestProxy;
  close(): Promise<void>;
}

const ANTHROPIC_KEY = "sk-ant-matrix-key";
const GEMINI_KEY = "AIzaSyMatrix-mock-gemini-key";

/** Starts the six upstreams and the proxy: a fresh in-memory database and the CLI's start-up check take seconds on a busy machine. */
export async function startMatrixProxy(): Promise<MatrixProxy> {
  const upstreams: MatrixUpstreams = {
    openai: startMockOpenAIUpstream(),
    ollama: startMockOpenAIUpstream({ ollamaModels: ["qwen2.5-coder:7b"] }),
    lab: startMockOpenAIUpstream(),
    anthropic: startMockAnthropicUpstream({ apiKey: ANTHROPIC_KEY }),
    gemini: startMockGeminiUpstream({ apiKey: GEMINI_KEY }),
    cliUpstream: startMockAnthropicUpstream(),
  };
  const sandbox: ClaudeCliSandbox = createClaudeCliSandbox(upstreams.cliUpstream.url);
  const customProviders = [{ id: "lab", baseUrl: upstreams.lab.url, apiKey: "sk-lab-matrix", models: [{ id: "lab-coder", tier: "standard" }] }];
  // The CLI provider hands its child the proxy's environment as it is when the provider is built.
  const proxy = await withEnvironment(sandbox.env, () =>
    startTestProxy({
      OPENAI_API_KEY: "sk-openai-matrix",
      OPENAI_BASE_URL: upstreams.openai.url,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: upstreams.anthropic.url,
      GEMINI_API_KEY: GEMINI_KEY,
      GEMINI_BASE_URL: upstreams.gemini.url,
      OLLAMA_ENABLED: "true",
      OLLAMA_BASE_URL: upstreams.ollama.origin,
      // The mock answers the probe at once, but on a loaded machine the probe took longer than the
      // default 500 ms in a full run, and the whole ollama row then failed with a 404 (provider inactive).
      OLLAMA_PROBE_TIMEOUT_MS: "10000",
      CUSTOM_PROVIDERS: JSON.stringify(customProviders),
      CLAUDE_CLI_ENABLED: "true",
      CLAUDE_CLI_PATH: realClaudeCli,
    }),
  );
  return {
    ...upstreams,
    proxy,
    async close() {
      await proxy.close();
      await Promise.all(Object.values(upstreams).map((mock) => mock.close()));
      sandbox.cleanup();
    },
  };
}

export type MatrixProvider = "openai" | "ollama" | "lab" | "anthropic" | "gemini" | "claude-cli";

/** What every door's matrix does the same way with one provider: script its upstream and read what it received. */
export interface MatrixRow {
  /** The provider id: `x-provider` and the prefix of the model name. */
  provider: MatrixProvider;
  /** The model as the upstream knows it (`x-model`). */
  upstreamModel: string;
  /** Step 1: the model calls read_file. */
  scriptToolCall(stream: boolean): void;
  /** Step 3: the model answers with FINAL_TEXT. */
  scriptAnswer(stream: boolean): void;
  /** Bodies of the chat requests the provider's mock received, oldest first. */
  received(): Body[];
  /** Asserts that step 2 (the assistant's call and the tool result) reached the upstream in its own format. */
  expectRoundTripReceived(body: Body, callId: string): void;
}

const anthropicMessages = (mock: MockAnthropicUpstream) => mock.requests.filter((request) => request.path === "/v1/messages").map((request) => request.body);

function openAIWireRow(provider: MatrixProvider, upstreamModel: string, mock: () => MockOpenAIUpstream): MatrixRow {
  return {
    provider,
    upstreamModel,
    scriptToolCall: (stream) => mock().enqueue(openAIToolCallReply(stream)),
    scriptAnswer: (stream) => mock().enqueue(openAIAnswerReply(stream)),
    received: () => mock().requests.filter((request) => request.path === "/v1/chat/completions").map((request) => request.body),
    expectRoundTripReceived: expectOpenAIWireRoundTrip,
  };
}

/** The six rows, in a fixed order; `matrix` is read only when a test runs (the proxy starts in beforeAll). */
export function matrixRows(matrix: () => MatrixUpstreams): MatrixRow[] {
  return [
    openAIWireRow("openai", "gpt-4o-mini", () => matrix().openai),
    openAIWireRow("ollama", "qwen2.5-coder:7b", () => matrix().ollama),
    openAIWireRow("lab", "lab-coder", () => matrix().lab),
    {
      provider: "anthropic",
      upstreamModel: "claude-haiku-4-5",
      scriptToolCall: () => matrix().anthropic.enqueue(anthropicToolCallReply()),
      scriptAnswer: () => matrix().anthropic.enqueue(anthropicTextReply(FINAL_TEXT, STEP3_USAGE)),
      received: () => anthropicMessages(matrix().anthropic),
      expectRoundTripReceived: expectAnthropicRoundTrip,
    },
    {
      provider: "gemini",
      upstreamModel: "gemini-3.5-flash-lite",
      scriptToolCall: () => matrix().gemini.enqueue(geminiToolCallReply()),
      scriptAnswer: (stream) => matrix().gemini.enqueue(geminiAnswerReply(stream)),
      received: () => matrix().gemini.requests.map((request) => request.body),
      expectRoundTripReceived: expectGeminiRoundTrip,
    },
    {
      provider: "claude-cli",
      upstreamModel: "claude-haiku-4-5",
      // The model calls the tool by the name the CLI offered it under.
      scriptToolCall: () => {
        const reply = anthropicToolCallReply();
        if (reply.kind === "reply") reply.reply.content = reply.reply.content.map((block) => (block.type === "tool_use" ? { ...block, name: CLI_TOOL_NAME } : block));
        matrix().cliUpstream.enqueue(reply);
      },
      scriptAnswer: () => matrix().cliUpstream.enqueue(anthropicTextReply(FINAL_TEXT, STEP3_USAGE)),
      received: () => anthropicMessages(matrix().cliUpstream),
      expectRoundTripReceived: expectCliRoundTrip,
    },
  ];
}

/** Adds a door's own fields to each row; the record makes a door name every provider. */
export function withDoorFields<Fields extends object>(rows: MatrixRow[], fields: Record<MatrixProvider, Fields>): Array<MatrixRow & Fields> {
  return rows.map((row) => ({ ...row, ...fields[row.provider] }));
}
