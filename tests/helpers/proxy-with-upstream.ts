import { afterAll, beforeAll } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "./mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "./mock-openai-upstream";
import { type TestProxy, startTestProxy } from "./test-proxy";

/**
 * The setup of most end-to-end files: one mock upstream, a proxy whose environment points at it, and
 * the official `openai` client pointed at the proxy (no retries, so a failure shows as it happened).
 */
export interface ProxyWithUpstream<Upstream> {
  upstream: Upstream;
  proxy: TestProxy;
  client: OpenAI;
  /** Stops the proxy, then the upstream. */
  close(): Promise<void>;
}

export async function startProxyWithUpstream<Upstream extends { close(): Promise<void> }>(
  upstream: Upstream,
  environment: Record<string, string>,
  clientKey = "anything",
): Promise<ProxyWithUpstream<Upstream>> {
  const proxy = await startTestProxy(environment);
  const client = new OpenAI({ apiKey: clientKey, baseURL: proxy.url, maxRetries: 0 });
  return {
    upstream,
    proxy,
    client,
    async close() {
      await proxy.close();
      await upstream.close();
    },
  };
}

export const UPSTREAM_OPENAI_KEY = "sk-test-upstream-key-1234567890";

/** The OpenAI door over a mock OpenAI upstream; `environment` goes on top of the upstream's key and URL. */
export function startOpenAIDoorProxy(environment: Record<string, string> = {}, clientKey?: string): Promise<ProxyWithUpstream<MockOpenAIUpstream>> {
  const upstream = startMockOpenAIUpstream();
  return startProxyWithUpstream(upstream, { OPENAI_API_KEY: UPSTREAM_OPENAI_KEY, OPENAI_BASE_URL: upstream.url, ...environment }, clientKey);
}

/**
 * startOpenAIDoorProxy for a whole test file, with the official Anthropic client beside the OpenAI
 * one: started in the file's beforeAll, closed in its afterAll. Its fields are there once the tests run.
 */
export function openAIDoorProxyForFile(environment: Record<string, string> = {}): ProxyWithUpstream<MockOpenAIUpstream> & { anthropic: Anthropic } {
  const setup = {} as ProxyWithUpstream<MockOpenAIUpstream> & { anthropic: Anthropic };
  beforeAll(async () => {
    Object.assign(setup, await startOpenAIDoorProxy(environment));
    setup.anthropic = new Anthropic({ apiKey: "any", baseURL: setup.proxy.origin, maxRetries: 0 });
  });
  afterAll(async () => {
    await setup.close?.();
  });
  return setup;
}

/** The Anthropic provider over a mock Anthropic Messages API that takes only `apiKey`. */
export function startAnthropicProviderProxy(apiKey: string): Promise<ProxyWithUpstream<MockAnthropicUpstream>> {
  const upstream = startMockAnthropicUpstream({ apiKey });
  return startProxyWithUpstream(upstream, { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: upstream.url });
}
