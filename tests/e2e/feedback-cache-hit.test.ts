import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { listFeedbackForTask } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * `/rate` rates the previous answer of the conversation, also when that answer came from the
 * response cache: the rating must land on the answer the user just read, not on the one before it.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ CACHE_ENABLED: "true", OPENAI_API_KEY: "sk-test-upstream-key-feedback-hit-000", OPENAI_BASE_URL: upstream.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

async function stores(): Promise<number> {
  return ((await (await fetch(`${proxy.origin}/api/cache`)).json()) as { stores: number }).stores;
}

test("the previous answer was a cache hit: /rate bad rates that answer", async () => {
  const asked = (text: string) => ({ model: "gpt-4o-mini", temperature: 0, messages: [{ role: "user" as const, content: text }] });
  const common = `What does git rebase --onto do? (${crypto.randomUUID()})`;
  const before = await stores();
  // Someone else asks the common question first, so it is stored.
  await client.chat.completions.create(asked(common), { headers: { "x-session-id": crypto.randomUUID() } });
  await waitFor(async () => (await stores()) > before, { what: "the common answer stored" });

  const headers = { "x-session-id": crypto.randomUUID() };
  const first = await client.chat.completions.create(asked(`Unrelated question (${crypto.randomUUID()})`), { headers }).withResponse();
  const hit = await client.chat.completions.create(asked(common), { headers }).withResponse();
  expect(hit.response.headers.get("x-cache")).toBe("HIT");
  const hitTask = hit.response.headers.get("x-task-id")!;

  const reply = await client.chat.completions.create(asked("/rate bad outdated"), { headers });
  expect(reply.choices[0]!.message.content).toContain(hitTask);
  const db = (await sharedTestDatabase()).db;
  expect(await listFeedbackForTask(db, hitTask)).toHaveLength(1);
  expect(await listFeedbackForTask(db, first.response.headers.get("x-task-id")!)).toHaveLength(0);
});
