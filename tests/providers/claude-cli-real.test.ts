import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { createClaudeCliProvider } from "../../src/providers/claude-cli/claude-cli-provider";
import type { LLMProvider, ProviderCall } from "../../src/providers/types";
import { type ClaudeCliSandbox, SANDBOX_OAUTH_TOKEN, createClaudeCliSandbox, realClaudeCli, realCliChildren } from "../helpers/claude-cli-sandbox";
import { DEFAULT_MOCK_TEXT, type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { waitUntilDead } from "../helpers/process-state";
import { waitFor } from "../helpers/wait-for";

/** The provider running the real `claude` binary against the local mock of the Anthropic Messages API. */
let upstream: MockAnthropicUpstream;
let sandbox: ClaudeCliSandbox;
let provider: LLMProvider;
const extraProviders: LLMProvider[] = [];

const models = [{ id: "claude-sonnet-4-5" }, { id: "claude-haiku-4-5" }];
const makeProvider = (poolSize: number) =>
  createClaudeCliProvider({ path: realClaudeCli, models, poolSize, idleTimeoutMs: 30_000, logger: silentLogger, env: sandbox.env });

beforeAll(() => {
  upstream = startMockAnthropicUpstream();
  sandbox = createClaudeCliSandbox(upstream.url);
  provider = makeProvider(0);
});

afterAll(async () => {
  await Promise.all([provider.close?.(), ...extraProviders.map((each) => each.close?.())]);
  await upstream.close();
  sandbox.cleanup();
});

function call(body: Record<string, unknown>, signal: AbortSignal = new AbortController().signal, model = "claude-haiku-4-5"): ProviderCall {
  return { request: chatRequestSchema.parse({ model, ...body }), model, signal };
}
const content = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
/** The CLI exits on its own just after its result line; give it a moment. */
async function expectNoCliChildren(): Promise<void> {
  const deadline = performance.now() + 3000;
  while (realCliChildren().length > 0 && performance.now() < deadline) await Bun.sleep(20);
  expect(realCliChildren()).toEqual([]);
}
// Each run of the real CLI costs ~0.5-1.5 s of start-up.
const slow = { timeout: 20_000 };
const messagesRequests = () => upstream.requests.filter((request) => request.path === "/v1/messages");

/** The text the CLI sent as the last user turn (it adds system-reminder blocks before the prompt). */
function lastUserText(body: Record<string, unknown>): string {
  const messages = body.messages as Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>;
  const last = messages.filter((message) => message.role === "user").at(-1)!;
  return typeof last.content === "string" ? last.content : last.content.map((block) => block.text ?? "").join("\n");
}
const systemText = (body: Record<string, unknown>) => (body.system as Array<{ text: string }>).map((block) => block.text).join("\n");

/**
 * The real CLI children once they have settled to one: the same single pid on two looks 300 ms apart.
 * The pool starts its process after a request, and the process that served that request may still
 * be exiting when the request returns, so a single look can see the wrong one or none (this was a
 * fixed 200/500 ms sleep, too short on a busy machine).
 */
async function oneSteadyCliChild(what: string): Promise<number[]> {
  let previous: number[] = [];
  await waitFor(
    () => {
      const now = realCliChildren();
      const steady = now.length === 1 && previous.length === 1 && now[0] === previous[0];
      previous = now;
      return steady;
    },
    { what, timeoutMs: 15_000, intervalMs: 300 },
  );
  return previous;
}

describe("the real claude CLI against a mock Anthropic API", () => {
  test("streams text incrementally; the client's system prompt replaces the CLI's; no tools are offered", async () => {
    const before = messagesRequests().length;
    const stream = await provider.stream(
      call({ messages: [{ role: "system", content: "You are the proxy test system prompt." }, { role: "user", content: "Say hello to the proxy" }] }),
    );
    const chunks = await Array.fromAsync(stream);
    expect(content(chunks)).toBe(DEFAULT_MOCK_TEXT);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 12 });

    const sent = messagesRequests().slice(before);
    expect(sent).toHaveLength(1);
    const body = sent[0]!.body;
    expect(body.model).toBe("claude-haiku-4-5");
    expect(body.stream).toBe(true);
    expect(body.tools).toEqual([]);
    expect(systemText(body)).toContain("You are the proxy test system prompt.");
    // The default Claude Code system prompt is replaced, not appended to.
    expect(systemText(body)).not.toContain("Claude Code");
    expect(lastUserText(body)).toContain("Say hello to the proxy");
    await expectNoCliChildren();
  }, slow);

  test("thinking and cache usage come through", async () => {
    upstream.enqueue({
      kind: "reply",
      reply: {
        content: [{ type: "thinking", thinking: "Consider the greeting." }, { type: "text", text: "Hi there." }],
        usage: { input_tokens: 10, output_tokens: 6, cache_read_input_tokens: 2000, cache_creation_input_tokens: 500 },
      },
    });
    const completion = await provider.complete(call({ messages: [{ role: "user", content: "Hi" }] }));
    expect(completion.choices[0]!.message).toMatchObject({ role: "assistant", content: "Hi there.", reasoning_content: "Consider the greeting." });
    expect(completion.usage).toEqual({
      prompt_tokens: 2510,
      completion_tokens: 6,
      completion_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 2516,
      prompt_tokens_details: { cached_tokens: 2000, cache_write_tokens: 500 },
    });
  }, slow);

  test("a 200 KB prompt reaches the upstream intact", async () => {
    const before = messagesRequests().length;
    const prompt = `${Array.from({ length: 6000 }, (_, index) => `line ${index}: ünïcødé ✓ the quick brown fox`).join("\n")}\nEND-OF-PROMPT`;
    expect(Buffer.byteLength(prompt)).toBeGreaterThan(200 * 1024);
    await provider.complete(call({ messages: [{ role: "user", content: prompt }] }));
    const body = messagesRequests().slice(before).at(-1)!.body;
    expect(lastUserText(body)).toContain(prompt);
  }, slow);

  test("a login the upstream refuses (401): a 502 for every CLI model, with the CLI's message and how to log in", async () => {
    // With a subscription token the CLI retries a 401 once (it would refresh its login first).
    upstream.enqueue({ kind: "error", status: 401 }, { kind: "error", status: 401 });
    const error = await provider.stream(call({ messages: [{ role: "user", content: "Hi" }] })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ status: 502, type: "upstream_error", code: "claude_cli_auth", retryable: true, providerWide: true });
    expect((error as ProxyError).message).toContain("The Claude CLI reported an error (upstream status 401): Not logged in");
    expect((error as ProxyError).message).toContain("run `claude` and /login");
    expect((error as ProxyError).message).not.toContain(SANDBOX_OAUTH_TOKEN);
    expect(upstream.pending()).toBe(0);
    await expectNoCliChildren();
  }, slow);

  test("an exhausted subscription limit: a 429 that pauses the CLI until the reset it names", async () => {
    const resetsAt = Math.floor(Date.now() / 1000) + 3 * 3600;
    upstream.enqueue({
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "This request would exceed your account's rate limit. Please try again later.",
      headers: {
        "anthropic-ratelimit-unified-status": "rejected",
        "anthropic-ratelimit-unified-reset": String(resetsAt),
        "anthropic-ratelimit-unified-representative-claim": "five_hour",
        "anthropic-ratelimit-unified-5h-status": "rejected",
        "anthropic-ratelimit-unified-5h-reset": String(resetsAt),
        "anthropic-ratelimit-unified-5h-utilization": "1.0",
      },
    });
    const error = await provider.stream(call({ messages: [{ role: "user", content: "Hi" }] })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, type: "rate_limit_error", code: "claude_cli_usage_limit", retryable: true, providerWide: true, retryAt: resetsAt * 1000 });
    expect((error as ProxyError).message).toContain("You've hit your 5-hour limit");
    expect((error as ProxyError).message).toContain(new Date(resetsAt * 1000).toISOString());
    await expectNoCliChildren();
  }, slow);

  test("a client abort while the upstream hangs kills the CLI", async () => {
    upstream.enqueue({ kind: "hang" });
    const before = messagesRequests().length;
    const controller = new AbortController();
    const pending = provider.stream(call({ messages: [{ role: "user", content: "Hi" }] }, controller.signal));
    // Abort once the CLI's request is waiting on the upstream.
    const deadline = performance.now() + 10_000;
    while (messagesRequests().length === before && performance.now() < deadline) await Bun.sleep(20);
    expect(upstream.pending()).toBe(0);
    const children = realCliChildren();
    expect(children).toHaveLength(1);
    controller.abort(new ProxyError(499, "The client closed the connection.", { type: "client_closed", code: "client_closed" }));
    await expect(pending).rejects.toMatchObject({ status: 499 });
    expect(await waitUntilDead(children[0]!)).toBe("gone");
    expect(realCliChildren()).toEqual([]);
    // The mock saw the CLI's connection go away.
    const closed = performance.now() + 2000;
    while (upstream.aborted === 0 && performance.now() < closed) await Bun.sleep(20);
    expect(upstream.aborted).toBe(1);
  }, slow);

  test("with a pool, a warm process answers with the request's own system prompt, and close() kills the rest", async () => {
    const pooled = makeProvider(1);
    extraProviders.push(pooled);
    await pooled.complete(call({ messages: [{ role: "user", content: "warm up" }] }));
    const warm = await oneSteadyCliChild("one warm CLI process");
    expect(warm).toHaveLength(1);

    const before = messagesRequests().length;
    const started = performance.now();
    const completion = await pooled.complete(call({ messages: [{ role: "system", content: "Pooled system prompt." }, { role: "user", content: "second" }] }));
    const elapsed = performance.now() - started;
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_MOCK_TEXT);
    const body = messagesRequests().slice(before).at(-1)!.body;
    expect(systemText(body)).toContain("Pooled system prompt.");
    expect(systemText(body)).not.toContain("Claude Code");
    expect(lastUserText(body)).toContain("second");
    expect(elapsed).toBeLessThan(5000);
    // The warm process served and was discarded; a replacement now waits.
    expect(await waitUntilDead(warm[0]!)).toBe("gone");
    expect(await oneSteadyCliChild("the replacement CLI process")).toHaveLength(1);

    await pooled.close!();
    expect(realCliChildren()).toEqual([]);
  }, slow);

  test("a warm process of the pool takes the client's tools with its request (the manifest in its initialize)", async () => {
    const pooled = makeProvider(1);
    extraProviders.push(pooled);
    await pooled.complete(call({ messages: [{ role: "user", content: "warm up" }] }));
    const warm = await oneSteadyCliChild("one warm CLI process");
    expect(warm).toHaveLength(1);

    upstream.enqueue({ kind: "reply", reply: { content: [{ type: "tool_use", name: "mcp__client__read_file", input: { path: "a.ts" } }] } });
    const before = messagesRequests().length;
    const tools = [{ type: "function", function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } } }];
    const completion = await pooled.complete(call({ messages: [{ role: "user", content: "Read a.ts" }], tools }));
    expect(completion.choices[0]!.message.tool_calls).toEqual([{ id: expect.stringMatching(/^toolu_/), type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }]);
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
    const body = messagesRequests().slice(before).at(-1)!.body;
    expect((body.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(["mcp__client__read_file"]);
    // Served by the process that was waiting, which was stopped at the tool call.
    expect(await waitUntilDead(warm[0]!)).toBe("gone");
    await pooled.close!();
    expect(realCliChildren()).toEqual([]);
  }, slow);
});
