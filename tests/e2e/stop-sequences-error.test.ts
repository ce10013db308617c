import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Stop sequences and OpenAI's limit of 4. On the OpenAI door five got a bare "stop: Invalid
 * input": the error says what `stop` may be. Through the Anthropic door (the Messages API allows
 * more) they reached OpenAI as they were, which OpenAI refuses with a 400.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const lab = { id: "lab", displayName: "Lab", baseUrl: upstream.url, apiKey: "sk-lab-stop-sequences-0000", models: [{ id: "lab-coder", inputPricePerMillion: 0, outputPricePerMillion: 0, tier: "economy", contextWindow: 32_768 }] };
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-stop-sequences-000000", OPENAI_BASE_URL: upstream.url, CUSTOM_PROVIDERS: JSON.stringify([lab]) });
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

test("Anthropic door: more than 4 stop_sequences reach OpenAI as its first 4 (OpenAI refuses more); other OpenAI-wire servers get them all", async () => {
  const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
  const stopSequences = ["END", "STOP", "</answer>", "###", "---"];
  const message = await anthropic.messages.create({ model: "gpt-4o-mini", max_tokens: 50, stop_sequences: stopSequences, messages: [{ role: "user", content: "Hi" }] });
  expect(message.type).toBe("message");
  expect(upstream.requests.at(-1)!.body.stop).toEqual(stopSequences.slice(0, 4));
  await anthropic.messages.create({ model: "lab:lab-coder", max_tokens: 50, stop_sequences: stopSequences, messages: [{ role: "user", content: "Hi" }] });
  expect(upstream.requests.at(-1)!.body.stop).toEqual(stopSequences);
});
