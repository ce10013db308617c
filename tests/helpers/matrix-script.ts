import type { ChatCompletionTool } from "openai/resources/chat/completions";
import type { MockReply } from "./mock-openai-upstream";
import type { MockAnthropicReply } from "./mock-anthropic-upstream";
import type { GeminiMockReply } from "./mock-gemini-upstream";

/**
 * The one conversation the provider matrix (tests/e2e/provider-matrix.test.ts) sends through every
 * provider, and the same two model turns written in each upstream's own wire format:
 *   step 1: the user asks, the model calls read_file {"path":"src/app.ts"} (usage 40 in / 9 out);
 *   step 3: after the tool result, the model answers FINAL_TEXT (usage 75 in / 14 out).
 * The OpenAI-wire streams are the fixtures tests/fixtures/openai/read-file-tool-call.jsonl and
 * read-file-answer.jsonl, which carry the same call, text and usage.
 */
export const USER_PROMPT = "What does src/app.ts export?";
export const TOOL_NAME = "read_file";
export const TOOL_ARGUMENTS = { path: "src/app.ts" };
export const TOOL_RESULT = "export function createApp(deps: AppDeps): Hono {\n  return new Hono();\n}";
export const FINAL_TEXT = "src/app.ts exports one function, createApp, which builds the Hono app.";
export const STEP1_USAGE = { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 };
export const STEP3_USAGE = { prompt_tokens: 75, completion_tokens: 14, total_tokens: 89 };

export const READ_FILE_TOOL: ChatCompletionTool = {
  type: "function",
  function: {
    name: TOOL_NAME,
    description: "Read a file of the project",
    parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  },
};

// ---- OpenAI chat-completions wire (OpenAI, Ollama, custom endpoints) ----

const openAIUsage = (usage: typeof STEP1_USAGE) => ({
  ...usage,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
});

const openAICompletion = (id: string, message: Record<string, unknown>, finishReason: string, usage: typeof STEP1_USAGE) => ({
  id,
  object: "chat.completion",
  created: 1762000002,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: finishReason }],
  usage: openAIUsage(usage),
  service_tier: "default",
  system_fingerprint: "fp_560af6e559",
});

export function openAIToolCallReply(stream: boolean): MockReply {
  if (stream) return { kind: "fixture", name: "read-file-tool-call" };
  const call = { id: "call_Mx4rT8kWq1ZpLd7nV2bHcY9s", type: "function", function: { name: TOOL_NAME, arguments: JSON.stringify(TOOL_ARGUMENTS) } };
  return { kind: "json", body: openAICompletion("chatcmpl-CZ1mock0003", { content: null, tool_calls: [call] }, "tool_calls", STEP1_USAGE) };
}

export function openAIAnswerReply(stream: boolean): MockReply {
  if (stream) return { kind: "fixture", name: "read-file-answer" };
  return { kind: "json", body: openAICompletion("chatcmpl-CZ1mock0004", { content: FINAL_TEXT }, "stop", STEP3_USAGE) };
}

// ---- Anthropic Messages (the mock renders JSON or stream events, whichever was asked for) ----

const anthropicUsage = (usage: typeof STEP1_USAGE) => ({ input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens });

export function anthropicToolCallReply(): MockAnthropicReply {
  return { kind: "reply", reply: { content: [{ type: "tool_use", name: TOOL_NAME, input: TOOL_ARGUMENTS }], usage: anthropicUsage(STEP1_USAGE) } };
}

export function anthropicTextReply(text: string, usage: typeof STEP1_USAGE): MockAnthropicReply {
  return { kind: "reply", reply: { content: [{ type: "text", text }], usage: anthropicUsage(usage) } };
}

// ---- Gemini generateContent / streamGenerateContent ----

export const GEMINI_THOUGHT_SIGNATURE = "CiQBcsjafMatrixReadFileSignatureQ2fH5gT0vJ7kL3mP9sR1uW6yA4cE8iO2qU5tY7rE3wQ1zX9vB6nM==";

const geminiUsage = (usage: typeof STEP1_USAGE) => ({
  promptTokenCount: usage.prompt_tokens,
  candidatesTokenCount: usage.completion_tokens,
  totalTokenCount: usage.total_tokens,
  promptTokensDetails: [{ modality: "TEXT", tokenCount: usage.prompt_tokens }],
});

const geminiEvent = (parts: unknown[], usage: typeof STEP1_USAGE, finish?: Record<string, unknown>) => ({
  candidates: [{ content: { parts, role: "model" }, index: 0, ...finish }],
  usageMetadata: geminiUsage(usage),
  modelVersion: "gemini-3.5-flash-lite",
  responseId: "mAtRiXrEaDfIlE0001",
});

/** Gemini sends a whole functionCall in one event and says STOP (it has no tool-call finish reason). */
export function geminiToolCallReply(): GeminiMockReply {
  const part = { functionCall: { name: TOOL_NAME, args: TOOL_ARGUMENTS }, thoughtSignature: GEMINI_THOUGHT_SIGNATURE };
  return { kind: "events", events: [geminiEvent([part], STEP1_USAGE, { finishReason: "STOP", finishMessage: "Model generated function call(s)." })] };
}

/** Streamed in three events with cumulative usage, as the API does; non-streaming, one whole body. */
export function geminiAnswerReply(stream: boolean): GeminiMockReply {
  if (!stream) return { kind: "events", events: [geminiEvent([{ text: FINAL_TEXT }], STEP3_USAGE, { finishReason: "STOP" })] };
  const pieces = ["src/app.ts exports", " one function, createApp,", " which builds the Hono app."];
  const partial = (count: number) => ({ ...STEP3_USAGE, completion_tokens: count, total_tokens: STEP3_USAGE.prompt_tokens + count });
  return {
    kind: "events",
    events: [
      geminiEvent([{ text: pieces[0] }], partial(3)),
      geminiEvent([{ text: pieces[1] }], partial(9)),
      geminiEvent([{ text: pieces[2] }], STEP3_USAGE, { finishReason: "STOP" }),
    ],
  };
}
