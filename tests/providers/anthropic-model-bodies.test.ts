import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { silentLogger } from "../../src/logger";
import { createAnthropicProvider } from "../../src/providers/anthropic/anthropic-provider";
import type { LLMProvider } from "../../src/providers/types";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";

/**
 * What the mock Anthropic upstream receives for each catalog model, through the provider and the
 * SDK, streamed and not: the per-model rules (anthropic-model-rules.ts) on the wire.
 */
const apiKey = "sk-ant-api03-model-bodies-test-key-0000";
let upstream: MockAnthropicUpstream;
let provider: LLMProvider;

beforeAll(() => {
  upstream = startMockAnthropicUpstream({ apiKey });
  provider = createAnthropicProvider({ apiKey, baseUrl: upstream.url, catalog: new ModelCatalog(SHIPPED_CATALOG), logger: silentLogger });
});

afterAll(async () => {
  await upstream.close();
});

const tools = [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }];
const busy = {
  messages: [{ role: "user", content: "Read src/app.ts" }],
  tools,
  tool_choice: "required",
  temperature: 0.5,
  top_p: 0.9,
  reasoning_effort: "medium",
};

async function send(model: string, body: Record<string, unknown>, stream: boolean): Promise<{ sent: Record<string, unknown>; chunks: ChatCompletionChunk[] }> {
  upstream.enqueue({ kind: "reply", reply: { content: [{ type: "thinking", thinking: "Look at the file." }, { type: "text", text: "Done." }] } });
  const request = chatRequestSchema.parse({ model, ...body, stream }) as ChatRequest;
  const call = { request, model, signal: new AbortController().signal };
  const chunks: ChatCompletionChunk[] = [];
  if (stream) for await (const chunk of await provider.stream(call)) chunks.push(chunk);
  else await provider.complete(call);
  expect(upstream.pending()).toBe(0);
  return { sent: upstream.requests.at(-1)!.body, chunks };
}

const adaptive = { type: "adaptive", display: "summarized" };
const expectedByModel: Record<string, Record<string, unknown>> = {
  // Forced tool use is a 400 on these: auto instead; sampling parameters are a 400: dropped.
  "claude-fable-5-1": { tool_choice: { type: "auto" }, thinking: adaptive, output_config: { effort: "medium" } },
  "claude-opus-5-5": { tool_choice: { type: "auto" }, thinking: adaptive, output_config: { effort: "medium" } },
  "claude-sonnet-5-5": { tool_choice: { type: "auto" }, thinking: adaptive, output_config: { effort: "medium" } },
  "claude-haiku-5-5": { tool_choice: { type: "any" }, thinking: adaptive, output_config: { effort: "medium" } },
  // Manual budgets: forced tool use leaves thinking off; temperature or top_p, not both.
  "claude-haiku-4-5": { tool_choice: { type: "any" }, temperature: 0.5 },
};
const ruled = ["tool_choice", "thinking", "output_config", "temperature", "top_p", "top_k"];

describe("per-model request rules on the wire", () => {
  test("every Anthropic catalog model has an expectation here", () => {
    const models = new ModelCatalog(SHIPPED_CATALOG).forProvider("anthropic").map((entry) => entry.model);
    expect(models.sort()).toEqual(Object.keys(expectedByModel).sort());
  });

  for (const [model, expected] of Object.entries(expectedByModel)) {
    for (const stream of [false, true]) {
      test(`${model}, ${stream ? "streamed" : "not streamed"}: tools, thinking and sampling as the model takes them`, async () => {
        const { sent, chunks } = await send(model, busy, stream);
        expect(sent.stream).toBe(stream);
        expect(sent.model).toBe(model);
        expect((sent.tools as unknown[]).length).toBe(1);
        expect(Object.fromEntries(ruled.filter((field) => field in sent).map((field) => [field, sent[field]]))).toEqual(expected);
        if (stream) expect(chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("")).toBe("Look at the file.");
      });
    }
  }

  for (const model of Object.keys(expectedByModel)) {
    test(`${model}: a plain request gets nothing the client did not send`, async () => {
      const { sent } = await send(model, { messages: [{ role: "user", content: "Hello" }] }, true);
      expect(Object.keys(sent).sort()).toEqual(["max_tokens", "messages", "model", "stream"]);
    });
  }

  test("reasoning_effort none on Sonnet 5.5 turns off up-front thinking with between_tools", async () => {
    const { sent } = await send("claude-sonnet-5-5", { messages: [{ role: "user", content: "Hi" }], reasoning_effort: "none" }, false);
    expect(sent.thinking).toEqual({ type: "between_tools" });
    expect(sent).not.toHaveProperty("output_config");
  });
});
