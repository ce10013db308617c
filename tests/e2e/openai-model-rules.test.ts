import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";

/**
 * The official `openai` client against the proxy against a mock OpenAI upstream: the per-model
 * rules (openai-model-rules.ts) on what the upstream receives, and OpenAI's cache-write usage in
 * the logged, priced row.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;
const luna = new ModelCatalog(SHIPPED_CATALOG).get("openai", "gpt-6-luna")!;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startOpenAIDoorProxy());
});

afterAll(async () => {
  await close?.();
});

const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }];
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Read src/app.ts" }];

describe("routing with the rules", () => {
  test("economy with tools goes to Luna; with tools and an effort Luna would reject, to a model that takes both", async () => {
    const plain = await client.chat.completions.create({ model: "economy", messages, tools }).withResponse();
    expect(plain.response.headers.get("x-model")).toBe("gpt-6-luna");
    const effortful = await client.chat.completions.create({ model: "economy", messages, tools, reasoning_effort: "high" }).withResponse();
    // gpt-4o-mini is cheaper but cannot reason; Luna and 5.4 mini take tools only at effort none.
    expect(effortful.response.headers.get("x-model")).toBe("gpt-5-mini");
    expect(upstream.requests.at(-1)!.body).toMatchObject({ model: "gpt-5-mini", reasoning_effort: "high" });
  });
});

describe("GPT-6 Luna with tools through the proxy", () => {
  test("not streamed: the upstream gets reasoning_effort none, and the client's temperature with it", async () => {
    await client.chat.completions.create({ model: "gpt-6-luna", messages, tools, temperature: 0.2 });
    const sent = upstream.requests.at(-1)!.body;
    expect(sent).toMatchObject({ model: "gpt-6-luna", reasoning_effort: "none", temperature: 0.2 });
    expect(sent.tools).toHaveLength(1);
  });

  test("streamed: the same, with usage requested", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-6-luna", messages, tools, stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    expect(upstream.requests.at(-1)!.body).toMatchObject({ reasoning_effort: "none", stream: true, stream_options: { include_usage: true } });
  });

  test("GPT-6.2 Sol: reasoning_effort none becomes low, temperature dropped", async () => {
    await client.chat.completions.create({ model: "gpt-6.2-sol", messages, reasoning_effort: "none", temperature: 0.2 });
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.reasoning_effort).toBe("low");
    expect(sent).not.toHaveProperty("temperature");
  });
});

describe("OpenAI cache writes in the request log", () => {
  // 3,438 prompt tokens of which 3,435 written to the cache, 12 output tokens (the fixture's usage).
  const expectedCost = (3 * luna.input + 3435 * luna.cacheWrite! + 12 * luna.output) / 1e6;

  test("streamed: the usage chunk's cache_write_tokens is logged and billed at the cache-write price", async () => {
    upstream.enqueue({ kind: "fixture", name: "cache-write-usage" });
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-6-luna", messages, stream: true }).withResponse();
    for await (const _chunk of stream) {
      // drain
    }
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ model: "gpt-6-luna", tokensIn: 3438, tokensOut: 12, cacheWriteTokens: 3435 });
    expect(row!.costUsd).toBeCloseTo(expectedCost, 12);
  });

  test("not streamed: the same from the completion's usage", async () => {
    upstream.enqueue({
      kind: "json",
      body: {
        id: "chatcmpl-cache-write",
        object: "chat.completion",
        created: 1764000000,
        model: "gpt-6-luna",
        choices: [{ index: 0, message: { role: "assistant", content: "Cached.", refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: 3438, completion_tokens: 12, total_tokens: 3450, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 3435 } },
      },
    });
    const { response } = await client.chat.completions.create({ model: "gpt-6-luna", messages }).withResponse();
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ tokensIn: 3438, cacheWriteTokens: 3435 });
    expect(row!.costUsd).toBeCloseTo(expectedCost, 12);
  });
});
