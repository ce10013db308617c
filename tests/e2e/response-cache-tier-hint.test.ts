import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * Under ANTHROPIC_DOOR_MODELS=auto the Anthropic door reads a Claude family name as a tier hint and
 * routes the request as `auto` from that tier. The name asked for changes which model answers, so
 * it must change the cache key: an opus (premium) request must not be served the answer an economy
 * model gave to the same conversation asked as haiku, nor a chat-door `auto` request either one.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({
    CACHE_ENABLED: "true",
    ANTHROPIC_DOOR_MODELS: "auto",
    OPENAI_API_KEY: "sk-test-upstream-key-tier-hint-cache-0",
    OPENAI_BASE_URL: upstream.url,
  });
  anthropic = new Anthropic({ apiKey: "anything", baseURL: proxy.origin, maxRetries: 0 });
  openai = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

async function stores(): Promise<number> {
  return ((await (await fetch(`${proxy.origin}/api/cache`)).json()) as { stores: number }).stores;
}

test("the same conversation asked as haiku, then opus, then as `auto` on the chat door: three answers, no cross-tier hit", async () => {
  const text = `Explain the proof of the four colour theorem (${crypto.randomUUID()})`;
  const ask = (model: string) =>
    anthropic.messages.create({ model, max_tokens: 100, messages: [{ role: "user", content: text }] }).withResponse();

  const before = await stores();
  const haiku = await ask("claude-haiku-4-5");
  expect(haiku.response.headers.get("x-cache")).toBe("MISS");
  expect(haiku.response.headers.get("x-tier")).toBe("economy");
  await waitFor(async () => (await stores()) > before, { what: "the haiku answer stored" });

  const opus = await ask("claude-opus-5-5");
  expect(opus.response.headers.get("x-cache")).toBe("MISS");
  expect(opus.response.headers.get("x-tier")).toBe("premium");
  expect(opus.response.headers.get("x-model")).not.toBe(haiku.response.headers.get("x-model"));

  const chat = await openai.chat.completions
    .create({ model: "auto", max_tokens: 100, messages: [{ role: "user", content: text }] })
    .withResponse();
  expect(chat.response.headers.get("x-cache")).toBe("MISS");
  expect(upstream.requests.length).toBe(3);

  // The same name again is still a hit.
  await waitFor(async () => (await stores()) >= before + 3, { what: "all three answers stored" });
  const again = await ask("claude-haiku-4-5");
  expect(again.response.headers.get("x-cache")).toBe("HIT");
  expect(again.response.headers.get("x-model")).toBe(haiku.response.headers.get("x-model"));
});
