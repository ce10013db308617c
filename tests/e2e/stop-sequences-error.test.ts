import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/** Five stop sequences got a bare "stop: Invalid input": the error says what `stop` may be. */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-stop-sequences-000000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

test("too many stop sequences: a 400 naming `stop` and its limit, no upstream call", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  const before = upstream.requests.length;
  const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], stop: ["a", "b", "c", "d", "e"] }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
  expect(apiError.param).toBe("stop");
  expect(apiError.message).toContain("stop: must be a string or an array of at most 4 strings");
  expect(upstream.requests.length).toBe(before);
});

test("four stop sequences or one string pass", async () => {
  const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
  for (const stop of [["a", "b", "c", "d"], "END"]) {
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], stop });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(upstream.requests.at(-1)!.body.stop).toEqual(stop);
  }
});
