import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * OpenAI refuses a `user` longer than 64 characters ("Invalid 'user': string too long. Expected a
 * string with maximum length 64"; OpenRouter's limit is 128). Claude Code sends a JSON
 * metadata.user_id of about 150 characters on every request, which the Anthropic door maps to
 * `user`, so every Claude Code request routed to OpenAI failed with a 400. A longer value now
 * reaches OpenAI-wire upstreams as a stable digest of itself: the same user gives the same value,
 * another user another one.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-long-user-field-000000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** The shape Claude Code 2.1.332 sends. */
const claudeCodeUserId = (device: string) =>
  JSON.stringify({ device_id: device.repeat(64).slice(0, 64), account_uuid: "", session_id: "39a0c0ee-75bd-4100-a7bf-f046a3260dec" });

const sentUser = () => upstream.requests.at(-1)!.body.user as string;

describe("a user field longer than OpenAI takes", () => {
  test("Anthropic door (Claude Code's metadata.user_id) to chat completions: at most 64 characters, stable per user", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    const ask = (userId: string) => anthropic.messages.create({ model: "gpt-4o-mini", max_tokens: 50, metadata: { user_id: userId }, messages: [{ role: "user", content: "Hi" }] });
    expect(claudeCodeUserId("a").length).toBeGreaterThan(128);
    await ask(claudeCodeUserId("a"));
    const first = sentUser();
    expect(first.length).toBeLessThanOrEqual(64);
    await ask(claudeCodeUserId("a"));
    expect(sentUser()).toBe(first);
    await ask(claudeCodeUserId("b"));
    expect(sentUser()).not.toBe(first);
    expect(sentUser().length).toBeLessThanOrEqual(64);
  });

  test("to OpenAI's Responses API (GPT-6.1 Terra with tools) as well", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    await anthropic.messages
      .create({ model: "gpt-6.1-terra", max_tokens: 50, metadata: { user_id: claudeCodeUserId("c") }, tools: [{ name: "Bash", input_schema: { type: "object", properties: {} } }], messages: [{ role: "user", content: "Hi" }] })
      .catch(() => undefined);
    expect(upstream.requests.at(-1)!.path).toBe("/v1/responses");
    expect(sentUser().length).toBeLessThanOrEqual(64);
  });

  test("a user of 64 characters or fewer is sent as it was", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const user = "u".repeat(64);
    await client.chat.completions.create({ model: "gpt-4o-mini", user, messages: [{ role: "user", content: "Hi" }] });
    expect(sentUser()).toBe(user);
  });
});
