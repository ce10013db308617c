import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { listFeedbackForTask } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A session id (the `x-session-id` header or the `user` field) that looks like a key, a client
 * that sends its key there by mistake, must not be stored; but it still names its own
 * conversation: two such sessions are two stored keys, not one `header:[redacted]`, and `/rate`
 * in one of them, on a proxy that did not serve it (a restart: the database's row is what is
 * found), rates that session's answer, not the other's or none.
 */
// A configured key of no well-known shape (a Mistral key's): only the configured redactor knows it.
const configuredKey = `Zq8vR2mK${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
const sessions = [`sk-proj-${crypto.randomUUID().replaceAll("-", "")}`, `sk-proj-${crypto.randomUUID().replaceAll("-", "")}`, configuredKey];
const users = [`sk-ant-api03-${crypto.randomUUID().replaceAll("-", "")}`, `sk-ant-api03-${crypto.randomUUID().replaceAll("-", "")}`];

let upstream: MockOpenAIUpstream;
const proxies: TestProxy[] = [];

async function startProxy(): Promise<TestProxy> {
  // A model of its own: its "bad" ratings go into the worker's shared database, where another file's
  // proxy would read them as that model's success rate.
  const providers = [{ id: "local", baseUrl: upstream.url, apiKey: configuredKey, models: [{ id: "session-ids-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" }] }];
  const proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers) });
  proxies.push(proxy);
  return proxy;
}

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
});

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await upstream.close();
});

const secrets = [configuredKey, ...sessions, ...users];
const leaks = (text: string) => secrets.some((secret) => text.includes(secret) || text.includes(secret.slice(8)));

test("sessions named by key-shaped ids stay apart in the database, which holds none of the ids", async () => {
  const first = await startProxy();
  const client = new OpenAI({ apiKey: "x", baseURL: first.url, maxRetries: 0 });
  const opening = { role: "user" as const, content: "Write a haiku about the sea." };
  const answered: Array<{ taskId: string; headers: Record<string, string>; user?: string }> = [];
  for (const [index, session] of sessions.entries()) {
    const { response } = await client.chat.completions.create({ model: "economy", messages: [opening] }, { headers: { "x-session-id": session } }).withResponse();
    answered.push({ taskId: response.headers.get("x-task-id")!, headers: { "x-session-id": session } });
    const user = users[index];
    if (!user) continue;
    const viaUser = await client.chat.completions.create({ model: "economy", messages: [opening], user }).withResponse();
    answered.push({ taskId: viaUser.response.headers.get("x-task-id")!, headers: {}, user });
  }
  const keys: string[] = [];
  for (const { taskId } of answered) {
    const row = await first.logRow(taskId);
    keys.push(row!.sessionKey!);
    expect(leaks(JSON.stringify(row))).toBe(false);
  }
  expect(new Set(keys).size).toBe(answered.length);
  for (const key of keys) expect(key).not.toContain("[redacted]");

  // Another proxy on the same database (a restart): /rate finds each session's answer by its stored key.
  const second = await startProxy();
  const again = new OpenAI({ apiKey: "x", baseURL: second.url, maxRetries: 0 });
  for (const { taskId, headers, user } of answered.toReversed()) {
    const reply = await again.chat.completions.create(
      { model: "economy", messages: [opening, { role: "assistant", content: "Waves." }, { role: "user", content: "/rate bad too short" }], ...(user ? { user } : {}) },
      { headers },
    );
    expect(reply.choices[0]!.message.content).toContain(taskId);
    expect((await listFeedbackForTask((await sharedTestDatabase()).db, taskId)).map((row) => row.rating)).toEqual([-1]);
  }
  for (const page of ["/dashboard/requests", `/dashboard/requests/${answered[0]!.taskId}`, "/api/requests"]) {
    expect(leaks(await (await fetch(`${second.origin}${page}`)).text())).toBe(false);
  }
});
