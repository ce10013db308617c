import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { type ChatCompletionChunk, normalizeUsage } from "../../src/chat/types";
import { loadConfig } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { createOpenAIProviders } from "../../src/providers/openai/openai-provider";
import type { LLMProvider } from "../../src/providers/types";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";
import { costUsd } from "../../src/catalog/request-cost";
import { type MockOpenAIUpstream, defaultCompletion, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";

/**
 * What the mock OpenAI upstream receives for each catalog model, through the OpenAI provider and
 * the SDK, streamed and not: the per-model rules (openai-model-rules.ts) on the wire. And the
 * usage OpenAI reports for cache writes, billed at the catalog's cache-write price.
 */
let upstream: MockOpenAIUpstream;
let provider: LLMProvider;
const catalog = new ModelCatalog(SHIPPED_CATALOG);

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const config = loadConfig({ OPENAI_API_KEY: "sk-proj-model-bodies-test-key-0000", OPENAI_BASE_URL: upstream.url });
  [provider] = (await createOpenAIProviders(config, catalog, { logger: silentLogger })) as [LLMProvider];
});

afterAll(async () => {
  await upstream.close();
});

const tools = [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }];

async function send(model: string, body: Record<string, unknown>, stream: boolean) {
  const request = chatRequestSchema.parse({ model, messages: [{ role: "user", content: "Read src/app.ts" }], ...body, stream }) as ChatRequest;
  const call = { request, model, signal: new AbortController().signal };
  const chunks: ChatCompletionChunk[] = [];
  const before = upstream.requests.length;
  if (stream) for await (const chunk of await provider.stream(call)) chunks.push(chunk);
  else await provider.complete(call);
  expect(upstream.requests.length).toBe(before + 1);
  return { sent: upstream.requests.at(-1)!.body, path: upstream.requests.at(-1)!.path, chunks };
}

const ruled = ["reasoning_effort", "tools", "temperature", "top_p", "max_tokens", "max_completion_tokens"];
const pick = (body: Record<string, unknown>) => Object.fromEntries(ruled.filter((field) => body[field] !== undefined).map((field) => [field, body[field]]));

/** A coding client's tool turn: tools, sampling, a max_tokens, no effort. */
const toolTurn = { tools, temperature: 0.2, top_p: 0.9, max_tokens: 800 };
const expectedForToolTurn: Record<string, Record<string, unknown>> = {
  // Tools only at effort none: none is set, and with it the sampling parameters are accepted.
  "gpt-6-luna": { reasoning_effort: "none", tools, temperature: 0.2, top_p: 0.9, max_completion_tokens: 800 },
  // Default effort none: nothing to add; sampling only with an explicit none, so dropped.
  "gpt-5.5": { tools, max_completion_tokens: 800 },
  "gpt-5.4-mini": { tools, max_completion_tokens: 800 },
  "gpt-5-mini": { tools, max_completion_tokens: 800 },
  "gpt-4o": { tools, temperature: 0.2, top_p: 0.9, max_completion_tokens: 800 },
  "gpt-4o-mini": { tools, temperature: 0.2, top_p: 0.9, max_completion_tokens: 800 },
};

/** A reasoning request: an effort some models do not take, plus a temperature. */
const effortTurn = { reasoning_effort: "none", temperature: 0.5 };
const expectedForEffortTurn: Record<string, Record<string, unknown>> = {
  "gpt-6.2-astra": { reasoning_effort: "low" },
  "gpt-6.2-sol": { reasoning_effort: "low" },
  "gpt-6.1-terra": { reasoning_effort: "none", temperature: 0.5 },
  "gpt-6-luna": { reasoning_effort: "none", temperature: 0.5 },
  "gpt-5.5": { reasoning_effort: "none", temperature: 0.5 },
  "gpt-5.4-mini": { reasoning_effort: "none", temperature: 0.5 },
  "gpt-5-mini": { reasoning_effort: "minimal" },
  "gpt-4o": { temperature: 0.5 },
  "gpt-4o-mini": { temperature: 0.5 },
};

/**
 * Tools are a 400 on Chat Completions at any effort for these: their tool turns go to the Responses
 * API, with the same effort and sampling rules (6.2: sampling never; 6.1: only at effort none).
 */
const responsesTools = [{ type: "function", name: "read_file", parameters: tools[0]!.function.parameters, strict: false }];
const expectedOnResponsesApi: Record<string, Record<string, unknown>> = {
  "gpt-6.2-astra": { tools: responsesTools, max_output_tokens: 800 },
  "gpt-6.2-sol": { tools: responsesTools, max_output_tokens: 800 },
  "gpt-6.1-terra": { tools: responsesTools, max_output_tokens: 800 },
};
const responsesFields = ["tools", "max_output_tokens", "temperature", "top_p", "reasoning"];

describe("per-model request rules on the wire", () => {
  test("the expectations below cover every OpenAI model in the catalog", () => {
    const models = catalog.forProvider("openai").map((entry) => entry.model).sort();
    expect([...Object.keys(expectedForToolTurn), ...Object.keys(expectedOnResponsesApi)].sort()).toEqual(models);
    expect(Object.keys(expectedForEffortTurn).sort()).toEqual(models);
  });

  for (const stream of [false, true]) {
    const mode = stream ? "streamed" : "not streamed";
    test.each(Object.keys(expectedForToolTurn))(`%s, a tool turn, ${mode}`, async (model) => {
      const { sent } = await send(model, toolTurn, stream);
      expect(pick(sent)).toEqual(expectedForToolTurn[model]!);
      expect(sent.model).toBe(model);
      if (stream) expect(sent.stream_options).toEqual({ include_usage: true });
    });

    test.each(Object.keys(expectedOnResponsesApi))(`%s, a tool turn on the Responses API, ${mode}`, async (model) => {
      const { sent, path, chunks } = await send(model, toolTurn, stream);
      expect(path).toBe("/v1/responses");
      expect(Object.fromEntries(responsesFields.filter((field) => sent[field] !== undefined).map((field) => [field, sent[field]]))).toEqual(expectedOnResponsesApi[model]!);
      expect(sent).toMatchObject({ model, stream: true, store: false, include: ["reasoning.encrypted_content"], input: [{ type: "message", role: "user", content: "Read src/app.ts" }] });
      // The mock's default Responses stream (its `text` fixture) comes back as internal chunks.
      if (stream) expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Hello! How can I help?");
    });

    test.each(Object.keys(expectedForEffortTurn))(`%s, reasoning_effort none with a temperature, ${mode}`, async (model) => {
      const { sent } = await send(model, effortTurn, stream);
      expect(pick(sent)).toEqual(expectedForEffortTurn[model]!);
    });
  }

  test("an effort the client chose is never replaced to make tools fit (GPT-6 Luna, high): sent as asked", async () => {
    const { sent } = await send("gpt-6-luna", { tools, reasoning_effort: "high" }, true);
    expect(pick(sent)).toEqual({ tools, reasoning_effort: "high" });
  });
});

describe("cache-write tokens in OpenAI usage", () => {
  const luna = catalog.get("openai", "gpt-6-luna")!;
  // 3,438 prompt tokens of which 3,435 written to the cache; 12 output tokens.
  const expectedCost = (3 * luna.input + 3435 * luna.cacheWrite! + 12 * luna.output) / 1_000_000;

  test("not streamed: prompt_tokens_details.cache_write_tokens reaches the internal usage and is billed at the cache-write price", async () => {
    const completion = defaultCompletion("gpt-6-luna", "Cached.");
    upstream.enqueue({
      kind: "json",
      body: { ...completion, usage: { prompt_tokens: 3438, completion_tokens: 12, total_tokens: 3450, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 3435 } } },
    });
    const request = chatRequestSchema.parse({ model: "gpt-6-luna", messages: [{ role: "user", content: "x" }] }) as ChatRequest;
    const result = await provider.complete({ request, model: "gpt-6-luna", signal: new AbortController().signal });
    expect(result.usage?.prompt_tokens_details?.cache_write_tokens).toBe(3435);
    const usage = normalizeUsage(result.usage);
    expect(usage).toEqual({ tokensIn: 3438, tokensOut: 12, cachedTokens: 0, cacheWriteTokens: 3435 });
    expect(costUsd(luna, usage)).toBeCloseTo(expectedCost, 12);
    expect(costUsd(luna, usage)).toBeGreaterThan(costUsd(luna, { ...usage!, cacheWriteTokens: 0 }));
  });

  test("streamed: the usage-only final chunk carries cache_write_tokens through the chunk transformer", async () => {
    upstream.enqueue({ kind: "fixture", name: "cache-write-usage" });
    const request = chatRequestSchema.parse({ model: "gpt-6-luna", messages: [{ role: "user", content: "x" }], stream: true }) as ChatRequest;
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of await provider.stream({ request, model: "gpt-6-luna", signal: new AbortController().signal })) chunks.push(chunk);
    const usage = chunks.findLast((chunk) => chunk.usage)?.usage;
    expect(usage?.prompt_tokens_details).toMatchObject({ cached_tokens: 0, cache_write_tokens: 3435 });
    expect(costUsd(luna, normalizeUsage(usage))).toBeCloseTo(expectedCost, 12);
  });
});
