import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { listFeedbackForTask } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A rating's comment is typed by a person, who may paste a key into it ("it printed my key
 * sk-…"). The comment is stored, shown on the dashboard and echoed in the reply, so it goes
 * through the redactor like every other text the proxy keeps: the configured keys and anything
 * shaped like a credential never reach the database or the dashboard.
 */
const configuredKey = "sk-canary-feedback-0penAI7Yq2Lm9Xw4";
const strayKey = "sk-proj-STRAYcanary1234567890abcd";

let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [{ id: "local", baseUrl: upstream.url, apiKey: configuredKey, models: [{ id: "fast-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" }] }];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers) });
  client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const leaks = (text: string) => text.includes(configuredKey) || text.includes(strayKey);

test("POST /v1/feedback: a key in the comment is redacted in the database, the reply and the dashboard", async () => {
  const answer = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "feedback secret api" }] }).withResponse();
  const taskId = answer.response.headers.get("x-task-id")!;
  const response = await fetch(`${proxy.url}/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ task_id: taskId, rating: "bad", comment: `it printed ${configuredKey} and ${strayKey}` }),
  });
  expect(response.status).toBe(200);
  const reply = await response.text();
  expect(leaks(reply)).toBe(false);
  expect(JSON.parse(reply).comment).toBe("it printed [redacted] and [redacted]");

  const stored = await listFeedbackForTask((await sharedTestDatabase()).db, taskId);
  expect(stored.map((row) => row.comment)).toEqual(["it printed [redacted] and [redacted]"]);
  for (const page of [`/dashboard/requests/${taskId}`, "/dashboard/routing", "/api/routing"]) {
    expect(leaks(await (await fetch(`${proxy.origin}${page}`)).text())).toBe(false);
  }
});

test("/rate in chat: a key in the comment is redacted in the database and the reply", async () => {
  const opening = { role: "user" as const, content: `feedback secret chat ${crypto.randomUUID()}` };
  const answer = await client.chat.completions.create({ model: "economy", messages: [opening] }).withResponse();
  const taskId = answer.response.headers.get("x-task-id")!;
  const reply = await client.chat.completions.create({
    model: "economy",
    messages: [opening, { role: "assistant", content: "done" }, { role: "user", content: `/rate bad leaked ${configuredKey}` }],
  });
  const text = reply.choices[0]!.message.content!;
  expect(text).toContain(taskId);
  expect(leaks(text)).toBe(false);
  const stored = await listFeedbackForTask((await sharedTestDatabase()).db, taskId);
  expect(stored.map((row) => row.comment)).toEqual(["leaked [redacted]"]);
});
