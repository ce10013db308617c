import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, readFixtureLines, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Real upstreams open a stream with a chunk that shows the client nothing (OpenAI's
 * `{"role":"assistant","content":"","refusal":null}`, Anthropic's message_start, ping and an empty
 * text block) and may fail right after it (OpenAI's error payload or a cut body, Anthropic's
 * `event: error` overloaded_error). Nothing the client can see has been sent yet, so the proxy
 * falls back to the next candidate as for an error as the first chunk, on every door; the client
 * gets one clean answer. A first token that comes late still streams: the start is held only briefly.
 *
 * Two proxies, each routing `economy` to a failing model first: `cheap` (an OpenAI-wire mock), then
 * `steady`, which serves; or Anthropic's cheapest economy model, then the next one, which serves
 * (the Anthropic mock's next reply is its default text).
 */
const ANTHROPIC_KEY = "sk-ant-empty-start-upstream-key";
let anthropic: MockAnthropicUpstream;
let cheap: MockOpenAIUpstream;
let steady: MockOpenAIUpstream;
let proxy: TestProxy;
let anthropicProxy: TestProxy;
let openai: OpenAI;
let anthropicOpenai: OpenAI;
let claude: Anthropic;

const STEADY_TEXT = "token0 token1 token2 ";
const COOLDOWN_MS = 300;

beforeAll(async () => {
  anthropic = startMockAnthropicUpstream({ apiKey: ANTHROPIC_KEY });
  cheap = startMockOpenAIUpstream();
  steady = startMockOpenAIUpstream();
  const cheapProvider = { id: "cheap", baseUrl: cheap.url, models: [{ id: "cheap-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, tier: "economy" }] };
  const steadyProvider = { id: "steady", baseUrl: steady.url, models: [{ id: "steady-mini", inputPricePerMillion: 5, outputPricePerMillion: 20, tier: "economy" }] };
  const common = { CONSECUTIVE_FAILURE_LIMIT: "5", CIRCUIT_COOLDOWN_MS: String(COOLDOWN_MS), BASELINE_MODEL: "steady:steady-mini" };
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify([cheapProvider, steadyProvider]), ...common });
  anthropicProxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify([steadyProvider]), ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: anthropic.url, ...common });
  openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  anthropicOpenai = new OpenAI({ apiKey: "x", baseURL: anthropicProxy.url, maxRetries: 0 });
  claude = new Anthropic({ apiKey: "x", baseURL: anthropicProxy.origin, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await anthropicProxy.close();
  await anthropic.close();
  await cheap.close();
  await steady.close();
});

beforeEach(async () => {
  // Any breaker an earlier test left half-open closes again.
  await Bun.sleep(COOLDOWN_MS + 50);
});

/** OpenAI's real opening chunk: role, empty content, refusal null, no finish reason. */
const roleOnly = JSON.stringify({
  id: "chatcmpl-CZ1empty0001",
  object: "chat.completion.chunk",
  created: 1764000000,
  model: "cheap-mini",
  service_tier: "default",
  system_fingerprint: "fp_6c1a9e0b21",
  choices: [{ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null }],
  usage: null,
  obfuscation: "Qp",
});
const overloaded = JSON.stringify({ error: { message: "The engine is currently overloaded, please try again later", type: "server_error", param: null, code: null } });

/** The request's log row: the first attempt failed with an error, the next candidate served it. */
async function expectFellBackFrom(provider: string, taskId: string): Promise<void> {
  const row = await (provider === "anthropic" ? anthropicProxy : proxy).logRow(taskId);
  expect(row!.status).toBe(200);
  expect(row!.fallbacks).toBe(1);
  expect(row!.attempts).toHaveLength(2);
  expect(row!.attempts![0]!.provider).toBe(provider);
  expect(row!.attempts![0]!.error).toBeString();
  expect(row!.attempts![1]).toEqual({ provider: row!.provider!, model: row!.model! });
  expect(row!.attempts![1]!.model).not.toBe(row!.attempts![0]!.model);
}

async function chatStream(client = openai) {
  const { data: stream, response } = await client.chat.completions
    .create({ model: "economy", messages: [{ role: "user", content: "rename this variable" }], stream: true })
    .withResponse();
  return readChat(stream, response);
}

async function readChat(stream: AsyncIterable<OpenAI.ChatCompletionChunk>, response: Response) {
  let text = "";
  let roles = 0;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      if (choice.delta.role) roles++;
      text += choice.delta.content ?? "";
    }
  }
  return { text, roles, response };
}

describe("OpenAI-wire upstream: a role-only chunk, then a failure", () => {
  test("an error payload after the role chunk falls back (chat completions door: one role, one answer)", async () => {
    cheap.enqueue({ kind: "lines", lines: [roleOnly, overloaded] });
    const { text, roles, response } = await chatStream();
    expect(text).toBe(STEADY_TEXT);
    expect(roles).toBe(1);
    expect(response.headers.get("x-provider")).toBe("steady");
    await expectFellBackFrom("cheap", response.headers.get("x-task-id")!);
  });

  test("a body cut after the role chunk falls back", async () => {
    // mid-stream-error.jsonl opens with OpenAI's role-only chunk; the connection is cut after it.
    expect(JSON.parse(readFixtureLines("mid-stream-error")[0]!).choices[0].delta).toEqual({ role: "assistant", content: "", refusal: null });
    cheap.enqueue({ kind: "cut", name: "mid-stream-error", lines: 1 });
    const { text, roles, response } = await chatStream();
    expect(text).toBe(STEADY_TEXT);
    expect(roles).toBe(1);
    await expectFellBackFrom("cheap", response.headers.get("x-task-id")!);
  });

  test("a stream that ends after its role chunk alone (data: [DONE], no text, no finish reason) is empty: it falls back", async () => {
    cheap.enqueue({ kind: "lines", lines: [roleOnly, "[DONE]"] });
    const { text, roles, response } = await chatStream();
    expect(text).toBe(STEADY_TEXT);
    expect(roles).toBe(1);
    await expectFellBackFrom("cheap", response.headers.get("x-task-id")!);
  });

  test("the Responses door gets one valid event sequence from the fallback", async () => {
    cheap.enqueue({ kind: "lines", lines: [roleOnly, overloaded] });
    const { data: stream, response } = await openai.responses
      .create({ model: "economy", input: "rename this variable", stream: true })
      .withResponse();
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(text).toBe(STEADY_TEXT);
    expect(types.filter((type) => type === "response.created")).toHaveLength(1);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(types.filter((type) => type === "error" || type === "response.failed")).toEqual([]);
    await expectFellBackFrom("cheap", response.headers.get("x-task-id")!);
  });
});

describe("Anthropic upstream: message_start (and ping, an empty text block), then event: error overloaded_error", () => {
  const failAfter = (afterEvents: number) =>
    anthropic.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "never seen" }] }, midStreamError: { afterEvents, type: "overloaded_error", message: "Overloaded" } });

  test("the Messages door gets one message_start and the fallback's answer", async () => {
    for (const afterEvents of [1, 3]) {
      failAfter(afterEvents);
      const { data: stream, response } = await claude.messages
        .create({ model: "economy", max_tokens: 100, messages: [{ role: "user", content: "rename this variable" }], stream: true })
        .withResponse();
      const types: string[] = [];
      let text = "";
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
      }
      expect(text).toBe(DEFAULT_MOCK_TEXT);
      expect(types.filter((type) => type === "message_start")).toHaveLength(1);
      expect(types.at(-1)).toBe("message_stop");
      await expectFellBackFrom("anthropic", response.headers.get("x-task-id")!);
    }
  });

  test("the chat completions door gets one role and the fallback's answer", async () => {
    failAfter(3);
    const { text, roles, response } = await chatStream(anthropicOpenai);
    expect(text).toBe(DEFAULT_MOCK_TEXT);
    expect(roles).toBe(1);
    await expectFellBackFrom("anthropic", response.headers.get("x-task-id")!);
  });
});

describe("a late first token", () => {
  test("still streams: the empty start is held briefly, then sent on, and the answer completes", async () => {
    // text-with-usage.jsonl opens with a role-only chunk; the first token comes 2.5 s after it.
    cheap.enqueue({ kind: "fixture", name: "text-with-usage", pause: { afterLines: 1, ms: 2_500 } });
    const started = performance.now();
    const { data: stream, response } = await openai.chat.completions
      .create({ model: "economy", messages: [{ role: "user", content: "think first" }], stream: true })
      .withResponse();
    const headersAfter = performance.now() - started;
    let firstChunkAfter: number | undefined;
    let firstTokenAfter: number | undefined;
    let text = "";
    for await (const chunk of stream) {
      firstChunkAfter ??= performance.now() - started;
      const content = chunk.choices[0]?.delta.content ?? "";
      if (content !== "") firstTokenAfter ??= performance.now() - started;
      text += content;
    }
    expect(response.headers.get("x-provider")).toBe("cheap");
    expect(text.length).toBeGreaterThan(0);
    // The headers and the role chunk went out well before the first token.
    expect(headersAfter).toBeLessThan(2_000);
    expect(firstChunkAfter!).toBeLessThan(2_000);
    expect(firstTokenAfter!).toBeGreaterThanOrEqual(2_400);
  });
});
