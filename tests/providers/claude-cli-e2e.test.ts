import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { SANDBOX_OAUTH_TOKEN, realCliChildren } from "../helpers/claude-cli-sandbox";
import { type ClaudeCliProxy, expectNoCliChildren, lastUserBlocks, startClaudeCliProxy } from "../helpers/claude-cli-proxy";
import { expectStreamTimings } from "../helpers/log-timings";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import type { TestProxy } from "../helpers/test-proxy";

/** The official `openai` client → the proxy → the real `claude` binary → the mock Anthropic API: text, images, failures, aborts. */
let cli: ClaudeCliProxy;
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;
const slow = { timeout: 30_000 };
const model = "claude-cli:claude-haiku-4-5";
const lastBody = () => upstream.requests.filter((request) => request.path === "/v1/messages").at(-1)!.body;

beforeAll(async () => {
  cli = await startClaudeCliProxy();
  ({ upstream, proxy, client } = cli);
}, 30_000);

afterAll(() => cli.close());

describe("openai client → proxy → claude CLI → mock Anthropic", () => {
  test("the CLI's models are listed", async () => {
    const models = await client.models.list();
    const ids = models.data.map((entry) => entry.id);
    expect(ids.some((id) => id.endsWith("claude-haiku-4-5"))).toBe(true);
  });

  test("non-streaming: the answer, trace headers, and a log row at $0 with the subscription's value", async () => {
    const { data, response } = await client.chat.completions.create({ model, messages: [{ role: "system", content: "Be kind." }, { role: "user", content: "Hello" }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(DEFAULT_MOCK_TEXT);
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(response.headers.get("x-provider")).toBe("claude-cli");
    expect(response.headers.get("x-model")).toBe("claude-haiku-4-5");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "claude-cli", model: "claude-haiku-4-5", status: 200, stream: false, tokensIn: 25, tokensOut: 12, costUsd: 0 });
    // What the same tokens cost on the API: claude-haiku-4-5 at $1 in, $5 out per million.
    expect(row!.subscriptionValueUsd).toBeCloseTo((25 * 1 + 12 * 5) / 1e6, 12);
    await expectNoCliChildren();
  }, slow);

  test("streaming: text arrives in pieces, usage when asked for", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "One two three four five." }], usage: { input_tokens: 30, output_tokens: 6, cache_read_input_tokens: 100 } } });
    const { data: stream, response } = await client.chat.completions
      .create({ model, messages: [{ role: "user", content: "Count" }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks = await Array.fromAsync(stream);
    const pieces = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").filter((piece) => piece !== "");
    expect(pieces.join("")).toBe("One two three four five.");
    expect(pieces.length).toBeGreaterThan(1);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 130, completion_tokens: 6, prompt_tokens_details: { cached_tokens: 100 } });
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "claude-cli", stream: true, status: 200, tokensIn: 130, cachedTokens: 100, finishReason: "stop" });
    expectStreamTimings(row);
  }, slow);

  test("an image (data URL and http URL) reaches the model as image blocks", async () => {
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const completion = await client.chat.completions.create({
      model,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_MOCK_TEXT);
    const images = lastUserBlocks(lastBody()).filter((block) => block.type === "image");
    expect(images.map((block) => block.source)).toEqual([
      { type: "base64", media_type: "image/png", data: png },
      { type: "url", url: "https://example.com/cat.jpg" },
    ]);
    await expectNoCliChildren();
  }, slow);

  test("an upstream failure reaches the client as an OpenAI-shaped 502", async () => {
    upstream.enqueue({ kind: "error", status: 400, message: "messages: prompt is too long" });
    const error = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("The Claude CLI reported an error (upstream status 400)");
    expect((error as InstanceType<typeof OpenAI.APIError>).message).not.toContain(SANDBOX_OAUTH_TOKEN);
    await expectNoCliChildren();
  }, slow);

  test("a client that disconnects mid-stream leaves no CLI process behind", async () => {
    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "word ".repeat(60) }] }, intervalMs: 100 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Talk slowly" }], stream: true }, { signal: controller.signal });
    let received = 0;
    const reading = (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) received++;
    })().catch(() => {});
    const deadline = performance.now() + 10_000;
    while (received < 2 && performance.now() < deadline) await Bun.sleep(20);
    expect(received).toBeGreaterThanOrEqual(2);
    expect(realCliChildren()).toHaveLength(1);
    const abortedBefore = upstream.aborted;
    controller.abort();
    await reading;
    await expectNoCliChildren();
    const closed = performance.now() + 3000;
    while (upstream.aborted === abortedBefore && performance.now() < closed) await Bun.sleep(20);
    expect(upstream.aborted).toBe(abortedBefore + 1);
  }, slow);
});

