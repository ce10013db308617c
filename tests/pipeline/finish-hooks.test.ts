import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { loadConfig } from "../../src/config";
import type { RequestLogRow } from "../../src/db/schema";
import { openaiEncoder } from "../../src/doors/openai/openai-encoder";
import { ProxyError } from "../../src/errors";
import { createLogger } from "../../src/logger";
import type { PipelineContext, PipelineDeps, Stage } from "../../src/pipeline/context";
import { createContext } from "../../src/pipeline/create-context";
import { type FinishHookOptions, FinishHooks } from "../../src/pipeline/finish-hooks";
import type { Outcome } from "../../src/pipeline/outcome";
import { defaultStages, runPipeline } from "../../src/pipeline/run-pipeline";
import { type Proxy, buildProxy } from "../../src/server";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";

/**
 * Finish hooks: what a stage leaves for when the answer is known is called exactly once, however
 * the request ends, and never costs the request or its log row. The pipeline runs for real against
 * the mock OpenAI upstream, with one extra stage in front that registers the hooks.
 */
let upstream: MockOpenAIUpstream;
let proxy: Proxy;
let deps: PipelineDeps;
const rows: RequestLogRow[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const config = loadConfig({
    OPENAI_API_KEY: "sk-test-finish-hooks-0000000000",
    OPENAI_BASE_URL: upstream.url,
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
    CACHE_ENABLED: "false",
    CONSECUTIVE_FAILURE_LIMIT: "1000",
  });
  proxy = await buildProxy(config, createLogger("error", (line) => logLines.push(line)), { database: await sharedTestDatabase() });
  // A counting sink: the database would silently drop a second row for the same task.
  deps = { ...proxy.pipeline, logSink: { record: (row) => void rows.push(row), status: () => proxy.logWriter.status() } };
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const hello = [{ role: "user", content: "Hello" }];

/** A stage that registers one hook and lets the request go on; `called` settles on the first call. */
function hookStage(options?: FinishHookOptions) {
  const outcomes: Outcome[] = [];
  let settle!: (outcome: Outcome) => void;
  const called = new Promise<Outcome>((resolve) => (settle = resolve));
  const stage: Stage = async (context) => {
    context.onFinish((outcome) => {
      outcomes.push(outcome);
      settle(outcome);
    }, options);
    return undefined;
  };
  return { stage, outcomes, called };
}

async function run(body: Record<string, unknown>, stages: Stage[], signal?: AbortSignal, using: PipelineDeps = deps): Promise<{ context: PipelineContext; response: Response }> {
  const request = chatRequestSchema.parse(body);
  const http = new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers: { "user-agent": "finish-hook-test" }, signal });
  const context = createContext({ door: "openai", request, http });
  return { context, response: await runPipeline(context, openaiEncoder(request), using, stages) };
}

const rowsOf = (taskId: string) => rows.filter((row) => row.taskId === taskId);

/** Waits (bounded) for something the test cannot await directly. */
async function eventually(condition: () => boolean, what: string) {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await Bun.sleep(10);
  if (!condition()) throw new Error(`never happened: ${what}`);
}

/** Lets anything late (a second abort event, a pipe settling) happen before counting calls again. */
const settleLate = () => Bun.sleep(50);

describe("a finish hook is called exactly once", () => {
  test("on a completion, with the completion as the answer", async () => {
    const hook = hookStage();
    const { context, response } = await run({ model: "gpt-4o-mini", messages: hello }, [hook.stage, ...defaultStages]);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    const outcome = await hook.called;
    expect(outcome).toMatchObject({ status: 200, completed: true, clientAborted: false, finishReason: "stop", usage: { tokensIn: 20, tokensOut: 7 } });
    expect(outcome.answer!.choices[0]!.message.content).toBe(body.choices[0]!.message.content);
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });

  test("at a stream's end, with the chunks assembled into the answer when the hook asks for it", async () => {
    const hook = hookStage({ needsAnswer: true });
    const { context, response } = await run({ model: "gpt-4o-mini", messages: hello, stream: true }, [hook.stage, ...defaultStages]);
    const text = await response.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const outcome = await hook.called;
    expect(outcome).toMatchObject({ status: 200, completed: true, clientAborted: false, finishReason: "stop", usage: { tokensIn: 50, tokensOut: 3 } });
    expect(outcome.answer!.choices[0]!.message.content).toBe("token0 token1 token2 ");
    expect(outcome.answer!.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 3 });
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });

  test("a stream's chunks are not kept when no hook asks for the answer", async () => {
    const hook = hookStage();
    const { response } = await run({ model: "gpt-4o-mini", messages: hello, stream: true }, [hook.stage, ...defaultStages]);
    await response.text();
    const outcome = await hook.called;
    expect(outcome.completed).toBe(true);
    expect(outcome.answer).toBeUndefined();
  });

  test.each([
    ["the connection is cut", { kind: "cut", name: "text-with-usage", lines: 2 } as const],
    ["the upstream sends an error event", { kind: "fixture", name: "mid-stream-error" } as const],
  ])("on a mid-stream error (%s), without an answer", async (_name, reply) => {
    upstream.enqueue(reply);
    const hook = hookStage({ needsAnswer: true });
    const { context, response } = await run({ model: "gpt-4o-mini", messages: hello, stream: true }, [hook.stage, ...defaultStages]);
    expect(await response.text()).toContain('data: {"error":');
    const outcome = await hook.called;
    expect(outcome.status).toBe(502);
    expect(outcome).toMatchObject({ completed: false, clientAborted: false });
    expect(outcome.answer).toBeUndefined();
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });

  test("when the client leaves mid-stream", async () => {
    const abortedBefore = upstream.aborted;
    upstream.enqueue({ kind: "chunks", count: 100, intervalMs: 20 });
    const hook = hookStage({ needsAnswer: true });
    const client = new AbortController();
    const { context, response } = await run({ model: "gpt-4o-mini", messages: hello, stream: true }, [hook.stage, ...defaultStages], client.signal);
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    client.abort();
    await reader.cancel();
    const outcome = await hook.called;
    expect(outcome).toMatchObject({ status: 499, completed: false, clientAborted: true, errorType: "client_closed" });
    expect(outcome.answer).toBeUndefined();
    // The abort reaches the upstream, and the cancel and the broken pipe come after it: still one call.
    await eventually(() => upstream.aborted > abortedBefore, "the upstream saw the abort");
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });

  test("when the upstream goes silent mid-stream past the idle timeout (a 504), without an answer", async () => {
    upstream.enqueue({ kind: "stall", name: "text-with-usage", lines: 2 });
    const hook = hookStage({ needsAnswer: true });
    const { context, response } = await run({ model: "gpt-4o-mini", messages: hello, stream: true }, [hook.stage, ...defaultStages], undefined, {
      ...deps,
      upstreamIdleTimeoutMs: 100,
    });
    expect(await response.text()).toContain('"code":"upstream_idle_timeout"');
    const outcome = await hook.called;
    expect(outcome).toMatchObject({ status: 504, completed: false, clientAborted: false, errorType: "timeout_error" });
    expect(outcome.answer).toBeUndefined();
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });

  test.each([true, false])("when shutdown cuts a request still running (stream %p): a 503", async (stream) => {
    upstream.enqueue(stream ? { kind: "stall", name: "text-with-usage", lines: 2 } : { kind: "hang" });
    const shutdown = new AbortController();
    const cut = () => shutdown.abort(new ProxyError(503, "The proxy is shutting down; this answer was cut off.", { type: "server_error", code: "shutting_down" }));
    const hook = hookStage({ needsAnswer: true });
    if (!stream) setTimeout(cut, 100);
    const { context, response } = await run({ model: "gpt-4o-mini", messages: hello, stream }, [hook.stage, ...defaultStages], undefined, {
      ...deps,
      shutdownSignal: shutdown.signal,
    });
    let text = "";
    if (stream) {
      const reader = response.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      cut();
      const decoder = new TextDecoder();
      for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value, { stream: true });
    } else {
      expect(response.status).toBe(503);
      text = await response.text();
    }
    expect(text).toContain('"code":"shutting_down"');
    const outcome = await hook.called;
    expect(outcome).toMatchObject({ status: 503, completed: false, clientAborted: false, errorType: "shutting_down" });
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });

  test("when the pipeline refuses the request (an unknown model)", async () => {
    const hook = hookStage({ needsAnswer: true });
    const { context, response } = await run({ model: "no-such-model-anywhere", messages: hello }, [hook.stage, ...defaultStages]);
    expect(response.status).toBe(404);
    const outcome = await hook.called;
    expect(outcome).toMatchObject({ status: 404, completed: false, clientAborted: false });
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });

  test.each([false, true])("when a stage answers early (/feedback, stream %p)", async (stream) => {
    const hook = hookStage({ needsAnswer: true });
    const { context, response } = await run({ model: "gpt-4o-mini", messages: [{ role: "user", content: "/feedback good" }], stream }, [hook.stage, ...defaultStages]);
    expect(response.status).toBe(200);
    await response.text();
    const outcome = await hook.called;
    expect(outcome).toMatchObject({ status: 200, completed: true, clientAborted: false });
    expect(outcome.answer!.choices[0]!.message.content).toStartWith("Nothing was recorded");
    await settleLate();
    expect(hook.outcomes).toHaveLength(1);
    expect(rowsOf(context.taskId)).toHaveLength(1);
  });
});

describe("a failing hook", () => {
  test("a hook that throws or rejects is logged; the other hooks, the answer and the log row are unaffected", async () => {
    const later = hookStage();
    const failing: Stage = async (context) => {
      context.onFinish(() => {
        throw new Error("cache store failed");
      });
      context.onFinish(async () => {
        throw new Error("budget settle failed");
      });
      return undefined;
    };
    const { context, response } = await run({ model: "gpt-4o-mini", messages: hello }, [failing, later.stage, ...defaultStages]);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { object: string }).object).toBe("chat.completion");
    expect((await later.called).status).toBe(200);
    await eventually(() => logLines.filter((line) => line.includes(context.taskId)).length === 2, "both failures were logged");
    const failures = logLines.filter((line) => line.includes(context.taskId)).map((line) => JSON.parse(line) as { message: string; error: string });
    expect(failures.map((failure) => failure.message)).toEqual(["finish hook failed", "finish hook failed"]);
    expect(failures.map((failure) => failure.error).sort()).toEqual(["Error: budget settle failed", "Error: cache store failed"]);
    expect(rowsOf(context.taskId)).toHaveLength(1);
    expect(rowsOf(context.taskId)[0]).toMatchObject({ status: 200, provider: "openai" });
  });

  test("FinishHooks.run calls each hook once, in order, even when run again", () => {
    const hooks = new FinishHooks();
    const calls: string[] = [];
    hooks.add(() => void calls.push("first"));
    hooks.add(() => {
      throw new Error("boom");
    });
    hooks.add(() => void calls.push("third"));
    const outcome: Outcome = { status: 200, completed: true, clientAborted: false };
    const logged: string[] = [];
    const logger = createLogger("error", (line) => logged.push(line));
    hooks.run(outcome, logger, "task-1");
    hooks.run(outcome, logger, "task-1");
    expect(calls).toEqual(["first", "third"]);
    expect(logged).toHaveLength(1);
  });
});

describe("circuit breakers, kept by dispatch alone", () => {
  const breakerOf = () => deps.routing.breakers.snapshot().find((breaker) => breaker.key === "openai:gpt-4o-mini");

  test("a stream that fails after it began counts against its model; a finished one or a client that leaves does not", async () => {
    await (await run({ model: "gpt-4o-mini", messages: hello }, defaultStages)).response.text();
    expect(breakerOf()).toBeUndefined();

    // A first line with text, then the cut: a start of role alone, then a cut, is a failure before
    // the stream began (dispatch's fallback case), and a busy machine can lose the line after it.
    upstream.enqueue({ kind: "cut", name: "malformed-event", lines: 1 });
    await (await run({ model: "gpt-4o-mini", messages: hello, stream: true }, defaultStages)).response.text();
    await eventually(() => breakerOf() !== undefined, "the breaker counted the failure");
    expect(breakerOf()).toMatchObject({ state: "closed", consecutiveFailures: 1 });
    expect(breakerOf()!.lastError).toContain("lost mid-stream");

    upstream.enqueue({ kind: "chunks", count: 100, intervalMs: 20 });
    const client = new AbortController();
    const { response } = await run({ model: "gpt-4o-mini", messages: hello, stream: true }, defaultStages, client.signal);
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    await reader.cancel();
    await settleLate();
    // Its first chunk was a success (which resets the count); leaving is not the model's failure.
    expect(breakerOf()).toBeUndefined();
  });
});
