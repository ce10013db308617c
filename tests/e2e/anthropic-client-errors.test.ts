import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * On a path no single door serves (GET /v1/models, which the OpenAI and Anthropic doors share, or an
 * unknown route) an error is answered in the shape of the caller's own SDK: Anthropic's for a request
 * with `anthropic-version` (every Anthropic SDK request), OpenAI's otherwise. A path one door owns
 * keeps that door's shape whoever calls it.
 */
const KEY = "proxy-key-for-error-shapes-0123456789";
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-error-shapes", OPENAI_BASE_URL: upstream.url, PROXY_API_KEY: KEY });
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const anthropicShape = (body: unknown, type: string) => expect(body).toMatchObject({ type: "error", error: { type } });

test("an Anthropic client with a wrong key listing models gets Anthropic's authentication_error", async () => {
  const client = new Anthropic({ apiKey: "not-the-key-0123456789", baseURL: proxy.origin, maxRetries: 0 });
  const refused = await client.models.list().catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
  anthropicShape((refused as InstanceType<typeof Anthropic.AuthenticationError>).error, "authentication_error");
  // With the key, the same client gets its model list.
  const listed = await new Anthropic({ apiKey: KEY, baseURL: proxy.origin, maxRetries: 0 }).models.list();
  expect(listed.data.length).toBeGreaterThan(0);
});

test("an OpenAI client with a wrong key listing models still gets OpenAI's shape", async () => {
  const client = new OpenAI({ apiKey: "not-the-key-0123456789", baseURL: proxy.url, maxRetries: 0 });
  const refused = await client.models.list().catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((refused as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
});

test("an unknown route: Anthropic's not_found_error for an Anthropic caller, OpenAI's shape for anyone else", async () => {
  const asAnthropic = await fetch(`${proxy.url}/no-such-route`, { headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" } });
  expect(asAnthropic.status).toBe(404);
  anthropicShape(await asAnthropic.json(), "not_found_error");
  const asOpenAI = await fetch(`${proxy.url}/no-such-route`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(asOpenAI.status).toBe(404);
  expect(await asOpenAI.json()).toMatchObject({ error: { type: "not_found_error", code: "unknown_route" } });
});

test("a path one door owns keeps its door's shape, whoever calls it", async () => {
  const response = await fetch(`${proxy.url}/chat/completions`, { method: "GET", headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" } });
  expect(response.status).toBe(405);
  expect(await response.json()).toMatchObject({ error: { code: "method_not_allowed" } });
});
