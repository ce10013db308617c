import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { listFeedbackForTask } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sdkFailure } from "../helpers/sdk-failure";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * POST /v1/feedback on a task that got no answer: there is nothing to rate, and a "good" rating
 * would count a failure as a success in the router's success rates. It is refused, and nothing
 * is recorded.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [{ id: "local", baseUrl: upstream.url, models: [{ id: "fast-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" }] }];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers) });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

test("rating a task that failed is a 400 naming its status, and records nothing", async () => {
  upstream.enqueue({ kind: "error", status: 400, body: { error: { message: "Unsupported value: 'temperature'", type: "invalid_request_error", param: "temperature", code: "unsupported_value" } } });
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const failure = await sdkFailure(() => client.chat.completions.create({ model: "local:fast-mini", messages: [{ role: "user", content: "hello" }] }));
  expect(failure.status).toBe(400);
  const taskId = failure.headers!.get("x-task-id")!;
  expect(await proxy.logRow(taskId)).toMatchObject({ status: 400, provider: "local", model: "fast-mini" });

  for (const rating of ["good", "bad"]) {
    const response = await fetch(`${proxy.url}/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ task_id: taskId, rating }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; param: string; message: string } };
    expect(body.error).toMatchObject({ code: "task_not_answered", param: "task_id" });
    expect(body.error.message).toContain("status 400");
  }
  expect(await listFeedbackForTask((await sharedTestDatabase()).db, taskId)).toEqual([]);
});

test("rating a task refused before any model was asked (an unknown model) is a 400 too, not an unknown task", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const failure = await sdkFailure(() => client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hello" }] }));
  expect(failure.status).toBe(404);
  const taskId = failure.headers!.get("x-task-id")!;
  expect(await proxy.logRow(taskId)).toMatchObject({ status: 404, provider: null });

  const response = await fetch(`${proxy.url}/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ task_id: taskId, rating: "good" }) });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; param: string; message: string } };
  expect(body.error).toMatchObject({ code: "task_not_answered", param: "task_id" });
  expect(body.error.message).toContain("status 404");
  expect(await listFeedbackForTask((await sharedTestDatabase()).db, taskId)).toEqual([]);
});
