import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";

/**
 * Every response carries x-task-id, x-provider and x-model, not only the chat answers: the
 * listings, health, the routing API, feedback, and the errors for unknown routes and wrong methods.
 * None of these is served by a model, so provider and model are "none".
 */
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

const taskIdsSeen = new Set<string>();

/** The three trace headers, with a task id never seen before in this file. */
function expectTraceHeaders(headers: Headers) {
  const taskId = headers.get("x-task-id");
  expect(taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(taskIdsSeen.has(taskId!)).toBe(false);
  taskIdsSeen.add(taskId!);
  expect(headers.get("x-provider")).toBe("none");
  expect(headers.get("x-model")).toBe("none");
}

const get = (path: string) => fetch(`${proxy.origin}${path}`);
const postJson = (path: string, body: unknown) =>
  fetch(`${proxy.origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("trace headers on the routes no model answers", () => {
  test("GET /v1/models and GET /v1/models/{id}, through the official client", async () => {
    const list = await client.models.list().withResponse();
    expect(list.data.data.length).toBeGreaterThan(0);
    expectTraceHeaders(list.response.headers);
    const one = await client.models.retrieve("gpt-4o-mini").withResponse();
    expect(one.data.id).toBe("gpt-4o-mini");
    expectTraceHeaders(one.response.headers);
  });

  test("GET /health", async () => {
    const response = await get("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
    expectTraceHeaders(response.headers);
  });

  test("GET /api/routing", async () => {
    const response = await get("/api/routing");
    expect(response.status).toBe(200);
    expectTraceHeaders(response.headers);
  });

  test("POST /v1/feedback: accepted, unknown task, invalid body", async () => {
    const { response: answered } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }).withResponse();
    const ratedTask = answered.headers.get("x-task-id")!;
    await proxy.logRow(ratedTask);

    const accepted = await postJson("/v1/feedback", { task_id: ratedTask, rating: "good" });
    expect(accepted.status).toBe(200);
    expectTraceHeaders(accepted.headers);
    // The feedback response is not the rated answer: it has its own task id.
    expect(accepted.headers.get("x-task-id")).not.toBe(ratedTask);

    const unknownTask = await postJson("/v1/feedback", { task_id: crypto.randomUUID(), rating: "bad" });
    expect(unknownTask.status).toBe(404);
    expectTraceHeaders(unknownTask.headers);

    const invalid = await postJson("/v1/feedback", { task_id: "not-a-uuid", rating: "meh" });
    expect(invalid.status).toBe(400);
    expectTraceHeaders(invalid.headers);
  });

  test("an unknown route is a 404, inside and outside /v1", async () => {
    for (const path of ["/v1/embeddings", "/favicon.ico"]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expectTraceHeaders(response.headers);
    }
  });

  test("a known route with the wrong method is a 405", async () => {
    for (const [method, path] of [
      ["GET", "/v1/chat/completions"],
      ["POST", "/v1/models"],
      ["GET", "/v1/feedback"],
      ["DELETE", "/health"],
    ] as const) {
      const response = await fetch(`${proxy.origin}${path}`, { method });
      expect(response.status).toBe(405);
      expectTraceHeaders(response.headers);
    }
  });
});
