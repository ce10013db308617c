import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { expectStreamTimings } from "../helpers/log-timings";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";
import { readContent } from "../helpers/read-content";

/** The official `openai` client against the proxy against a mock OpenAI upstream. */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startOpenAIDoorProxy());
});

afterAll(async () => {
  await close?.();
});

describe("non-streaming", () => {
  test("returns the upstream completion, trace headers and a logged, priced row", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    const taskId = response.headers.get("x-task-id")!;
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-provider")).toBe("openai");
    expect(response.headers.get("x-model")).toBe("gpt-4o-mini");

    const row = await proxy.logRow(taskId);
    expect(row).toMatchObject({ provider: "openai", model: "gpt-4o-mini", status: 200, stream: false, tokensIn: 20, tokensOut: 7 });
    // gpt-4o-mini: $0.15 in, $0.60 out per million.
    expect(row!.costUsd).toBeCloseTo((20 * 0.15 + 7 * 0.6) / 1e6, 12);
  });

  test("the client's key is not forwarded; the configured key is", async () => {
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    const last = upstream.requests.at(-1)!;
    expect(last.headers.authorization).toBe("Bearer sk-test-upstream-key-1234567890");
  });

  test("auto explains its choice: the classifier's score and reasons, the tier, the model", async () => {
    const { response } = await client.chat.completions
      .create({ model: "auto", messages: [{ role: "user", content: "Generate a concise title for this conversation: how do I reverse a list?" }] })
      .withResponse();
    expect(response.headers.get("x-tier")).toBe("economy");
    expect(response.headers.get("x-route-reason")).toMatch(/^auto: score \d+ \(.+\) -> economy; cheapest economy openai:/);
  });

  test("the reason names the features that moved the score, signs in plain ASCII", async () => {
    const { response } = await client.chat.completions
      .create({ model: "auto", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const reason = response.headers.get("x-route-reason")!;
    expect(reason).toMatch(/^auto: score \d+ \((task-length|plain-short-ask|latest:greeting|short-latest) [+-]\d+\.\d/);
    expect(reason).not.toContain("?");
  });

  test("provider prefix resolves", async () => {
    const { response } = await client.chat.completions
      .create({ model: "openai:gpt-4o", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    expect(response.headers.get("x-model")).toBe("gpt-4o");
    expect(upstream.requests.at(-1)!.body.model).toBe("gpt-4o");
  });
});

describe("/v1/models", () => {
  test("lists active models, their aliases, the tiers and auto, in OpenAI's list format", async () => {
    const page = await client.models.list();
    const byId = new Map(page.data.map((model) => [model.id, model]));
    expect(byId.get("gpt-4o-mini")).toMatchObject({ object: "model", owned_by: "openai" });
    for (const routed of ["economy", "standard", "premium", "auto"]) expect(byId.get(routed)).toMatchObject({ object: "model", owned_by: "claude-proxy" });
    expect(byId.get("4o-mini")).toMatchObject({ alias_for: ["openai:gpt-4o-mini"] });
    // Only active providers: no Anthropic key here, so no Claude models.
    expect([...byId.keys()].some((id) => id.startsWith("claude"))).toBe(false);
    expect((await client.models.retrieve("auto")).id).toBe("auto");
  });

  test("a model's created date stays the same from one call to the next (clients cache the list)", async () => {
    const first = await client.models.list();
    // Past a second boundary: a date taken per call would have moved.
    await Bun.sleep(1_100);
    const second = await client.models.list();
    expect(second.data.map((model) => [model.id, model.created])).toEqual(first.data.map((model) => [model.id, model.created]));
    expect((await client.models.retrieve("openai:some-unlisted-model")).created).toBe(first.data[0]!.created);
  });
});

describe("parameters a model cannot take", () => {
  test("sampling parameters are dropped for reasoning models and kept for others; nothing is invented", async () => {
    await client.chat.completions.create({ model: "gpt-5-mini", messages: [{ role: "user", content: "Hi" }], temperature: 0.2, top_p: 0.9, max_tokens: 50 });
    const reasoning = upstream.requests.at(-1)!.body;
    expect(reasoning).not.toHaveProperty("temperature");
    expect(reasoning).not.toHaveProperty("top_p");
    expect(reasoning.max_completion_tokens).toBe(50);
    expect(reasoning).not.toHaveProperty("max_tokens");

    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], temperature: 0.2 });
    const plain = upstream.requests.at(-1)!.body;
    expect(plain.temperature).toBe(0.2);
    expect(plain).not.toHaveProperty("top_p");
    expect(plain).not.toHaveProperty("max_completion_tokens");
  });
});

describe("streaming", () => {
  test("text streams through; usage reaches the log but not a client that did not ask", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Hello! How can I help?");
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });

    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ stream: true, status: 200, tokensIn: 1200, tokensOut: 9, cachedTokens: 1024, finishReason: "stop" });
    // 176 plain input tokens at $0.15, 1024 cached at $0.075, 9 output at $0.60 — cached tokens never at full price.
    expect(row!.costUsd).toBeCloseTo((176 * 0.15 + 1024 * 0.075 + 9 * 0.6) / 1e6, 12);
    expectStreamTimings(row);
  });

  test("usage chunk is passed on when the client asks for it", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 9 });
  });

  test("parallel tool-call deltas arrive intact and assemble into valid calls", async () => {
    upstream.enqueue({ kind: "fixture", name: "parallel-tool-calls" });
    const runner = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Read src/app.ts and list tests" }],
      tools: [
        { type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } },
        { type: "function", function: { name: "list_files", parameters: { type: "object", properties: { path: { type: "string" } } } } },
      ],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(calls.map((call) => call.type === "function" && [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ["call_Qd9rS1mGq2LwYv8pT0aXbC1e", "read_file", { path: "src/app.ts" }],
      ["call_Vb7nK2pLm4QxZt6wR3yHcD8f", "list_files", { path: "tests" }],
    ]);
  });

  test("a mid-stream upstream error reaches the client as an API error and is logged as a failure", async () => {
    upstream.enqueue({ kind: "fixture", name: "mid-stream-error" });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    const { text, failure } = await readContent(stream);
    expect(text).toBe("Partial");
    expect(failure?.message).toContain("The server had an error");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ status: 502, errorType: "upstream_error" });
  });
});
