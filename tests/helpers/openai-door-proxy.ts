import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "./mock-openai-upstream";
import { type TestProxy, startTestProxy } from "./test-proxy";

/**
 * The OpenAI door over one mock OpenAI upstream, with the official `openai` client pointed at it:
 * the setup of the OpenAI-door end-to-end files. `environment` goes on top of the upstream's key and URL.
 */
export const UPSTREAM_OPENAI_KEY = "sk-test-upstream-key-1234567890";

export interface OpenAIDoorProxy {
  upstream: MockOpenAIUpstream;
  proxy: TestProxy;
  client: OpenAI;
  close(): Promise<void>;
}

export async function startOpenAIDoorProxy(environment: Record<string, string> = {}, clientKey = "anything"): Promise<OpenAIDoorProxy> {
  const upstream = startMockOpenAIUpstream();
  const proxy = await startTestProxy({ OPENAI_API_KEY: UPSTREAM_OPENAI_KEY, OPENAI_BASE_URL: upstream.url, ...environment });
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
