import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { listFeedbackForTask } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/** /feedback in chat, POST /v1/feedback, and feedback moving later routing decisions. */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [
    {
      id: "local",
      baseUrl: upstream.url,
      models: [
        { id: "fast-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" },
        { id: "solid-mini", inputPricePerMillion: 0.3, outputPricePerMillion: 1.2, tier: "economy" },
      ],
    },
  ];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), SUCCESS_MIN_SAMPLES: "2", SUCCESS_THRESHOLD: "0.8" });
  client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const conversation = (session: string, ...turns: string[]) =>
  turns.map((content, index) => ({ role: index % 2 === 0 ? ("user" as const) : ("assistant" as const), content: index === 0 ? `${content} (${session})` : content }));

describe("/feedback in chat", () => {
  test("rates the previous answer of the same conversation, without calling a model", async () => {
    const first = await client.chat.completions.create({ model: "economy", messages: conversation("s1", "write a haiku") }).withResponse();
    const taskId = first.response.headers.get("x-task-id")!;
    const upstreamCalls = upstream.requests.length;

    const reply = await client.chat.completions
      .create({ model: "economy", messages: conversation("s1", "write a haiku", "An old silent pond", "/feedback bad wrong syllable count") })
      .withResponse();
    expect(upstream.requests.length).toBe(upstreamCalls);
    expect(reply.response.headers.get("x-provider")).toBe("proxy");
    expect(reply.response.headers.get("x-model")).toBe("feedback");
    expect(reply.data.choices[0]!.message.content).toContain(`recorded bad (-1) with the comment "wrong syllable count"`);
    expect(reply.data.choices[0]!.message.content).toContain(taskId);

    const stored = await listFeedbackForTask((await sharedTestDatabase()).db, taskId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ rating: -1, comment: "wrong syllable count", source: "chat" });
  });

  test("streams its answer when the client streams; x-session-id links the conversation", async () => {
    const session = crypto.randomUUID();
    const headers = { "x-session-id": session };
    const first = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "hi" }] }, { headers }).withResponse();
    const stream = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "/feedback +1" }], stream: true }, { headers });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toContain("recorded good (+1)");
    expect(text).toContain(first.response.headers.get("x-task-id")!);
  });

  test("feedback with nothing to rate, or an unreadable rating, says so and records nothing", async () => {
    const lonely = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "/feedback good" }], user: crypto.randomUUID() });
    expect(lonely.choices[0]!.message.content).toStartWith("Nothing was recorded: this conversation has no earlier answer to rate.");
    const unclear = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "/feedback meh" }], user: crypto.randomUUID() });
    expect(unclear.choices[0]!.message.content).toContain("Usage: /feedback good|bad|+1|-1 [comment]");
  });
});

describe("POST /v1/feedback", () => {
  const post = (body: unknown) => fetch(`${proxy.url}/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  test("rates a task by id", async () => {
    const { response } = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "hello" }] }).withResponse();
    const taskId = response.headers.get("x-task-id")!;
    const result = await post({ task_id: taskId, rating: "good", comment: "nice" });
    expect(result.status).toBe(200);
    expect(await result.json()).toMatchObject({ object: "feedback", task_id: taskId, rating: 1, comment: "nice" });
  });

  test("POST /feedback (without /v1) is the same endpoint", async () => {
    const { response } = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "hello again" }] }).withResponse();
    const taskId = response.headers.get("x-task-id")!;
    const result = await fetch(`${proxy.origin}/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ task_id: taskId, rating: "bad" }) });
    expect(result.status).toBe(200);
    expect(await result.json()).toMatchObject({ object: "feedback", task_id: taskId, rating: -1 });
  });

  test("an unknown task is a clear 404; a bad rating a 400", async () => {
    const unknown = await post({ task_id: crypto.randomUUID(), rating: -1 });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "task_not_found", type: "not_found_error" } });
    const bad = await post({ task_id: crypto.randomUUID(), rating: "meh" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("rating must be");
  });
});

describe("feedback moves routing", () => {
  test("bad ratings on the cheapest model's answers push that category to the next model", async () => {
    // Background title generation is its own category, so earlier tests do not interfere.
    const titleRequest = (session: string) => ({
      model: "economy",
      user: session,
      messages: [
        { role: "system" as const, content: "Generate a concise, 3-5 word title for this conversation." },
        { role: "user" as const, content: "How do I reverse a list in Python?" },
      ],
    });
    const served: string[] = [];
    for (let index = 0; index < 2; index++) {
      const session = crypto.randomUUID();
      const { response } = await client.chat.completions.create(titleRequest(session)).withResponse();
      served.push(response.headers.get("x-model")!);
      await client.chat.completions.create({ ...titleRequest(session), messages: [...titleRequest(session).messages, { role: "assistant", content: "List Reversal" }, { role: "user", content: "/feedback bad" }] });
    }
    expect(served).toEqual(["fast-mini", "fast-mini"]);

    const after = await client.chat.completions.create(titleRequest(crypto.randomUUID())).withResponse();
    expect(after.response.headers.get("x-model")).toBe("solid-mini");
    expect(after.response.headers.get("x-route-reason")).toContain("local:fast-mini success 0%");
  });

  test("GET /api/routing shows how often each tier served and how often its answers were rated bad", async () => {
    const state = (await (await fetch(`${proxy.origin}/api/routing?days=1`)).json()) as {
      tiers: { days: number; byTier: Array<{ tier: string; requests: number; rated: number; ratedBad: number; badRate: number | null }> };
      successRates: Array<{ category: string; modelKey: string; total: number }>;
    };
    expect(state.tiers.days).toBe(1);
    const economy = state.tiers.byTier.find((tier) => tier.tier === "economy")!;
    expect(economy.requests).toBeGreaterThanOrEqual(5);
    expect(economy.ratedBad).toBeGreaterThanOrEqual(3);
    expect(economy.badRate).toBeCloseTo(economy.ratedBad / economy.rated, 10);
    // The category the classifier emitted for the title calls is the one their success rates are kept under.
    expect(state.successRates.some((sample) => sample.category === "background:title" && sample.modelKey === "local:fast-mini")).toBe(true);
    const refused = await fetch(`${proxy.origin}/api/routing?days=zero`);
    expect(refused.status).toBe(400);
  });
});
