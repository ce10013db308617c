import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * `service_tier` says which capacity pool serves a request, not what the answer is: the response
 * cache leaves it out of the key on every door (README, "What is the same request"), so a request
 * asked again with another service_tier is a hit through the Messages door as through the chat door.
 */
const anthropicKey = "sk-ant-cache-service-tier";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: anthropicKey });
  proxy = await startTestProxy({ CACHE_ENABLED: "true", ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: upstream.url });
  anthropic = new Anthropic({ apiKey: "anything", baseURL: proxy.origin, maxRetries: 0 });
  openai = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const model = "anthropic:claude-haiku-4-5";

test("Messages door: the same request with another service_tier, or none, is a hit", async () => {
  const ask = async (serviceTier?: "auto" | "standard_only") => {
    const body = { model, max_tokens: 64, temperature: 0, messages: [{ role: "user" as const, content: "Name a prime above 90." }] };
    const { response } = await anthropic.messages.create(serviceTier ? { ...body, service_tier: serviceTier } : body).withResponse();
    return response.headers.get("x-cache");
  };
  expect(await ask("auto")).toBe("MISS");
  expect(await ask("standard_only")).toBe("HIT");
  expect(await ask()).toBe("HIT");
  expect(upstream.requests.filter((request) => request.path === "/v1/messages").length).toBe(1);
});

test("chat door: the same, as it already was", async () => {
  const ask = async (serviceTier: "default" | "flex") => {
    const { response } = await openai.chat.completions
      .create({ model, max_tokens: 64, temperature: 0, messages: [{ role: "user", content: "Name a prime above 80." }], service_tier: serviceTier })
      .withResponse();
    return response.headers.get("x-cache");
  };
  expect(await ask("default")).toBe("MISS");
  expect(await ask("flex")).toBe("HIT");
});
