import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { loadConfig } from "../../src/config";
import type { RequestLogRow } from "../../src/db/schema";
import { openaiEncoder } from "../../src/doors/openai/openai-encoder";
import { createLogger } from "../../src/logger";
import type { PipelineDeps, Stage } from "../../src/pipeline/context";
import { createContext } from "../../src/pipeline/create-context";
import { DeferredFinishes } from "../../src/pipeline/deferred-finishes";
import type { Outcome } from "../../src/pipeline/outcome";
import { defaultStages, runPipeline } from "../../src/pipeline/run-pipeline";
import { type Proxy, buildProxy } from "../../src/server";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";

/**
 * The server's setting (buildProxy's `finishAfterAnswer`, src/main.ts): a completion's log row and
 * finish hooks run at the next turn of the event loop, after its Response was returned, not in
 * front of it; still exactly once, with the request's time read when the answer was handed over.
 * Without the setting (tests calling `app.request`), they are done when the Response resolves.
 */
let upstream: MockOpenAIUpstream;
let proxy: Proxy;
const rows: RequestLogRow[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const config = loadConfig({
    OPENAI_API_KEY: "sk-test-finish-after-answer-0000",
    OPENAI_BASE_URL: upstream.url,
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
    CACHE_ENABLED: "false",
  });
  proxy = await buildProxy(config, createLogger("error", (line) => logLines.push(line)), { database: await sharedTestDatabase(), finishAfterAnswer: true });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const hello = [{ role: "user", content: "Hello" }];
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function hookStage() {
  const outcomes: Outcome[] = [];
  const stage: Stage = async (context) => {
    context.onFinish((outcome) => void outcomes.push(outcome));
    return undefined;
  };
  return { stage, outcomes };
}

async function run(using: PipelineDeps, stages: Stage[], stream = false) {
  const request = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: hello, ...(stream ? { stream: true } : {}) });
  const context = createContext({ door: "openai", request, http: new Request("http://127.0.0.1/v1/chat/completions", { method: "POST" }) });
  return { context, response: await runPipeline(context, openaiEncoder(request), using, stages) };
}

const countingDeps = (extra: Partial<PipelineDeps> = {}): PipelineDeps => ({ ...proxy.pipeline, logSink: { record: (row) => void rows.push(row), status: () => proxy.logWriter.status() }, ...extra });
const rowsOf = (taskId: string) => rows.filter((row) => row.taskId === taskId);

describe("a completion's finish, with finishAfterAnswer", () => {
  test("runs after the Response is returned, at the next turn, exactly once", async () => {
    const hook = hookStage();
    const { context, response } = await run(countingDeps(), [hook.stage, ...defaultStages]);
    expect(response.status).toBe(200);
    // Handed over, not finished yet: no row, no hook.
    expect(rowsOf(context.taskId)).toHaveLength(0);
    expect(hook.outcomes).toHaveLength(0);
    await nextTurn();
    expect(rowsOf(context.taskId)).toHaveLength(1);
    expect(hook.outcomes).toHaveLength(1);
    expect(hook.outcomes[0]).toMatchObject({ status: 200, completed: true, finishReason: "stop" });
    expect((await response.json()) as unknown).toMatchObject({ object: "chat.completion" });
    await Bun.sleep(20);
    expect(rowsOf(context.taskId)).toHaveLength(1);
    expect(hook.outcomes).toHaveLength(1);
  });

  test("records the time at which the answer was handed over, not the later turn", async () => {
    const { context } = await run(countingDeps(), defaultStages);
    const handedOver = performance.now() - context.startedAt;
    // Work between the answer and the finish's turn (the loop busy with something else) is not the request's time.
    const busyUntil = performance.now() + 30;
    while (performance.now() < busyUntil);
    await nextTurn();
    const [row] = rowsOf(context.taskId);
    expect(row).toBeDefined();
    expect(row!.latencyMs).toBeLessThanOrEqual(Math.round(handedOver) + 1);
  });

  test("a finish that throws is logged; the answer already went out and the process goes on", async () => {
    const throwing = countingDeps({
      logSink: {
        record: () => {
          throw new Error("sink broke");
        },
        status: () => proxy.logWriter.status(),
      },
    });
    const hook = hookStage();
    const { response } = await run(throwing, [hook.stage, ...defaultStages]);
    expect(response.status).toBe(200);
    await nextTurn();
    // The hooks still ran (finish-request.ts runs them after a failed record), and the failure was logged.
    expect(hook.outcomes).toHaveLength(1);
    expect(logLines.some((line) => line.includes("sink broke"))).toBe(true);
  });

  test("a stream's finish is not deferred (it comes at the stream's end, as before)", async () => {
    const hook = hookStage();
    const { response } = await run(countingDeps(), [hook.stage, ...defaultStages], true);
    await response.text();
    for (let attempt = 0; attempt < 50 && hook.outcomes.length === 0; attempt++) await Bun.sleep(5);
    expect(hook.outcomes).toHaveLength(1);
  });

  test("drain (what close calls before the last log flush) runs every waiting finish, one that throws logged", async () => {
    const deferred = new DeferredFinishes(createLogger("error", (line) => logLines.push(line)));
    const done: number[] = [];
    deferred.defer(() => void done.push(1));
    deferred.defer(() => {
      throw new Error("one fails");
    });
    deferred.defer(() => void done.push(3));
    expect(deferred.pending).toBe(3);
    deferred.drain();
    expect(done).toEqual([1, 3]);
    expect(deferred.pending).toBe(0);
    await nextTurn();
    expect(done).toEqual([1, 3]);
  });
});

describe("without finishAfterAnswer", () => {
  test("a completion's row and hooks are done when the Response resolves", async () => {
    const hook = hookStage();
    const { deferredFinishes: _ignored, ...sync } = countingDeps();
    const { context } = await run(sync, [hook.stage, ...defaultStages]);
    expect(rowsOf(context.taskId)).toHaveLength(1);
    expect(hook.outcomes).toHaveLength(1);
  });
});
