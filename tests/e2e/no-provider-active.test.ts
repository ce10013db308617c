import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A fresh clone started as the README's Quick start says, before any provider is configured: the
 * README's first request (`model: "auto"`) must say that no provider is active. It said
 * "prompt is too long: 6 tokens > 0 maximum" (400 context_length_exceeded), which sends the user
 * looking at their prompt, and which Claude Code answers by compacting the conversation.
 */
let proxy: TestProxy;

beforeAll(async () => {
  proxy = await startTestProxy({});
  const health = (await (await fetch(`${proxy.origin}/health`)).json()) as { providers: unknown[] };
  expect(health.providers).toEqual([]);
});

afterAll(async () => {
  await proxy.close();
});

const noProvider = /no provider is active/i;

describe("no provider active", () => {
  test("OpenAI door, auto: 503 naming the missing configuration, logged", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Hello" }], stream: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.code).toBe("no_active_provider");
    expect(apiError.message).toMatch(noProvider);
    expect(apiError.message).toContain("OPENAI_API_KEY");
    expect(apiError.message).not.toMatch(/too long/);
    // The configuration is read at start-up: no retry can succeed (Claude Code would retry a 5xx ten times, minutes of silence).
    expect(apiError.headers?.get("x-should-retry")).toBe("false");
    const taskId = apiError.headers?.get("x-task-id");
    expect(taskId).toBeTruthy();
    expect((await proxy.logRow(taskId!))?.status).toBe(503);
  });

  test("OpenAI door, a tier name: the same", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "Hello" }] }).catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(noProvider);
  });

  test("Anthropic door (a Claude name read as a tier hint): an api_error saying so, not 'prompt is too long'", async () => {
    const client = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    const error = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hello" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(500);
    expect(apiError.error).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(apiError.headers?.get("x-should-retry")).toBe("false");
    expect(apiError.message).toMatch(noProvider);
    expect(apiError.message).not.toMatch(/too long/);
  });

  test("Responses door: 503 saying so", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.responses.create({ model: "auto", input: "Hello" }).catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(noProvider);
  });
});
