import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { listFeedbackForTask } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * `/rate` rates the request the user just saw. When that request failed, there is no answer to
 * rate: the reply says so and records nothing, instead of rating the conversation's answer before
 * it. The same holds on an instance that did not serve the conversation (it reads the log).
 */
let upstream: MockOpenAIUpstream;
let first: TestProxy;
let second: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const env = { OPENAI_API_KEY: "sk-test-upstream-key-feedback-failed-00", OPENAI_BASE_URL: upstream.url };
  first = await startTestProxy(env);
  second = await startTestProxy(env);
});

afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await upstream.close();
});

const clientOf = (proxy: TestProxy) => new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
const ask = (text: string) => ({ model: "gpt-4o-mini", messages: [{ role: "user" as const, content: text }] });
const upstreamDown = { kind: "error" as const, status: 500, body: { error: { message: "The server had an error", type: "server_error", param: null, code: null } } };

for (const where of ["the instance that served it", "another instance (from the log)"]) {
  test(`after a failed request, /rate says there is nothing to rate and records nothing, on ${where}`, async () => {
    const headers = { "x-session-id": crypto.randomUUID() };
    const answered = await clientOf(first).chat.completions.create(ask("first question"), { headers }).withResponse();
    const answeredTask = answered.response.headers.get("x-task-id")!;

    upstream.enqueue(upstreamDown);
    const failure = await clientOf(first).chat.completions.create(ask("second question"), { headers }).withResponse().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const failedTask = (failure as InstanceType<typeof OpenAI.APIError>).headers?.get("x-task-id");
    expect(failedTask).toBeTruthy();
    await first.proxy.logWriter.flush();

    const rater = where.startsWith("another") ? second : first;
    const reply = await clientOf(rater).chat.completions.create(ask("/rate bad"), { headers });
    const text = reply.choices[0]!.message.content!;
    expect(text).toStartWith("Nothing was recorded");
    expect(text).toContain(failedTask!);
    expect(text).toContain("502");
    const db = (await sharedTestDatabase()).db;
    expect(await listFeedbackForTask(db, answeredTask)).toHaveLength(0);
    expect(await listFeedbackForTask(db, failedTask!)).toHaveLength(0);
  });
}

test("an answer after the failure is rated as usual", async () => {
  const headers = { "x-session-id": crypto.randomUUID() };
  upstream.enqueue(upstreamDown);
  await clientOf(first).chat.completions.create(ask("fails"), { headers }).catch(() => undefined);
  const answered = await clientOf(first).chat.completions.create(ask("asked again"), { headers }).withResponse();
  const reply = await clientOf(first).chat.completions.create(ask("/rate good"), { headers });
  expect(reply.choices[0]!.message.content).toContain(`recorded good (+1) for the previous answer (task ${answered.response.headers.get("x-task-id")}`);
});
