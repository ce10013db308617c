import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { type MatrixProxy, matrixRows, startMatrixProxy, withDoorFields } from "../helpers/matrix-proxy";
import { FINAL_TEXT, STEP1_USAGE, STEP3_USAGE, TOOL_ARGUMENTS, TOOL_NAME, TOOL_RESULT, USER_PROMPT, openAIAnswerReply } from "../helpers/matrix-script";
import { type Body, type Message, asArray, asRecord } from "../helpers/matrix-wire";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";

/**
 * The provider matrix through the Anthropic door: @anthropic-ai/sdk against one proxy with all six
 * providers on, each named as `provider:model`. The same conversation (helpers/matrix-script.ts:
 * the user asks, the model calls read_file, the client returns the result, the model answers) must
 * give the Anthropic client the same answer from every provider, streamed and not: a tool_use block
 * with the call, stop_reason tool_use, then the text, end_turn, and the upstream's usage; and each
 * upstream must receive the tool round trip in its own format. Thinking, an image and an upstream
 * error go through every provider too. The Claude CLI (the real binary) offers the client's tool
 * under its MCP prefix (`mcp__client__read_file`) and gets step 3 as the transcript the CLI
 * provider renders; the client sees only its own tool name. The proxy and the rows:
 * tests/helpers/matrix-proxy.ts.
 */
interface AnthropicDoorFields {
  /** A streamed answer with reasoning, where the upstream sends reasoning. */
  scriptThinking(): void;
  /** The thinking block the client gets: signed (Anthropic's own), unsigned (readable reasoning), or none. */
  thinking: "signed" | "unsigned" | "none";
  /** How the thinking request reached the upstream, in its own format. */
  expectThinkingReceived(body: Body): void;
  scriptRateLimit(): void;
  /** Where the upstream gets the client's history as it was sent: the exact step-3 turns. */
  expectExactRoundTrip?(body: Body, callId: string): void;
  /** Undefined: the provider cannot read images. */
  expectImageReceived?(body: Body): void;
}

let matrix: MatrixProxy;
let client: Anthropic;

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function openAIWireFields(provider: string, mock: () => MockOpenAIUpstream, reasoning: boolean): AnthropicDoorFields {
  return {
    scriptThinking: () => mock().enqueue(reasoning ? { kind: "fixture", name: "reasoning-ollama" } : openAIAnswerReply(true)),
    thinking: reasoning ? "unsigned" : "none",
    expectThinkingReceived(body) {
      // OpenAI itself rejects the Anthropic-form object; other OpenAI-wire servers may read it.
      if (provider === "openai") expect(body.thinking).toBeUndefined();
      else expect(body.reasoning_effort).toBe("medium");
    },
    scriptRateLimit: () => mock().enqueue({ kind: "error", status: 429, body: { error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } } }),
    expectExactRoundTrip(body, callId) {
      const messages = asArray(body.messages) as Message[];
      expect(messages[1]!.tool_calls).toEqual([{ id: callId, type: "function", function: { name: TOOL_NAME, arguments: JSON.stringify(TOOL_ARGUMENTS) } }]);
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

const rows = withDoorFields<AnthropicDoorFields>(matrixRows(() => matrix), {
  openai: openAIWireFields("openai", () => matrix.openai, false),
  ollama: openAIWireFields("ollama", () => matrix.ollama, true),
  lab: openAIWireFields("lab", () => matrix.lab, true),
  anthropic: {
    scriptThinking: () => matrix.anthropic.enqueue({ kind: "reply", reply: { content: [{ type: "thinking", thinking: "Colour first.", signature: "EqMatrixSig==" }, { type: "text", text: "Red." }] } }),
    thinking: "signed",
    expectThinkingReceived: (body) => expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 }),
    scriptRateLimit: () => matrix.anthropic.enqueue({ kind: "error", status: 429 }),
    expectExactRoundTrip(body, callId) {
      const messages = asArray(body.messages) as Message[];
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
  gemini: {
    scriptThinking: () => matrix.gemini.enqueue({ kind: "fixture", name: "thinking" }),
    thinking: "unsigned",
    expectThinkingReceived: (body) => expect(asRecord(body.generationConfig).thinkingConfig).toMatchObject({ includeThoughts: true }),
    scriptRateLimit: () => matrix.gemini.enqueue({ kind: "error", status: 429 }),
    expectImageReceived(body) {
      const contents = asArray(body.contents) as Array<{ parts: Body[] }>;
      expect(contents[0]!.parts).toEqual([{ inlineData: { mimeType: "image/png", data: PNG } }, { text: "What colour is this pixel?" }]);
    },
  },
  "claude-cli": {
    scriptThinking: () => matrix.cliUpstream.enqueue({ kind: "reply", reply: { content: [{ type: "thinking", thinking: "Colour first.", signature: "EqCliSig==" }, { type: "text", text: "Red." }] } }),
    thinking: "unsigned",
    expectThinkingReceived: () => {},
    scriptRateLimit: () => matrix.cliUpstream.enqueue({ kind: "error", status: 429 }),
    expectImageReceived(body) {
      // The CLI puts its own system-reminder blocks before the user's content.
      const last = (asArray(body.messages) as Message[]).filter((message) => message.role === "user").at(-1)!;
      const [image, text] = asArray(last.content).slice(-2).map(asRecord);
      expect(image).toMatchObject({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } });
      expect(text).toMatchObject({ type: "text", text: "What colour is this pixel?" });
    },
  },
});

beforeAll(async () => {
  matrix = await startMatrixProxy();
  client = new Anthropic({ apiKey: "anything", baseURL: matrix.proxy.origin, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await matrix?.close();
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
      const step3Body = row.received()[before + 1]!;
      row.expectRoundTripReceived(step3Body, callId);
      row.expectExactRoundTrip?.(step3Body, callId);
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
