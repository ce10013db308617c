import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A model the router chose can be missing upstream: an account without access to it ("The model
 * `gpt-6-luna` does not exist or you do not have access to it", a 404), or an OPENAI_BASE_URL
 * gateway that lacks it or the endpoint (OpenAI's Responses API, which GPT-6.1 and 6.2 use for
 * tools). Nothing reached the client yet, and the route holds other models, so the next one
 * serves; only when no candidate is left does the client see the 404. Before, every request
 * routed to that model failed, since a 404 stopped the fallback chain.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-missing-model-test-0000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const noAccess = (model: string) => ({
  kind: "error" as const,
  status: 404,
  body: { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" } },
});

describe("an upstream 404 for a routed model", () => {
  test("OpenAI door, a tier: the next model of the route answers; the attempt is logged", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const before = upstream.requests.length;
    upstream.enqueue(noAccess("first"));
    const { data, response } = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "Hello" }] }).withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    const tried = upstream.requests.slice(before).map((request) => request.body.model);
    expect(tried).toHaveLength(2);
    expect(tried[0]).not.toBe(tried[1]);
    expect(response.headers.get("x-model")).toBe(String(tried[1]));
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row?.status).toBe(200);
    expect((row?.attempts as Array<{ model: string; error?: string }>)[0]).toMatchObject({ model: tried[0], error: expect.stringContaining("404") });
  });

  test("Anthropic door, streamed, a Claude name routed as a tier: the next model answers", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    upstream.enqueue(noAccess("first"));
    const message = await anthropic.messages.stream({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "Hello" }] }).finalMessage();
    expect(message.content[0]?.type).toBe("text");
  });

  test("a named model with one provider: the client gets the upstream's 404", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const before = upstream.requests.length;
    upstream.enqueue(noAccess("gpt-4o-mini"));
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toContain("does not exist or you do not have access to it");
    expect(upstream.requests.length - before).toBe(1);
  });

  test("a 404 does not open the model's circuit breaker: the named model keeps its clear 404", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    for (let attempt = 0; attempt < 4; attempt++) {
      upstream.enqueue(noAccess("gpt-4o-mini"));
      const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    }
  });
});
