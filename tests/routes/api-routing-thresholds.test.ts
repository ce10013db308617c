import { afterAll, beforeAll, expect, test } from "bun:test";
import { DEFAULT_THRESHOLDS } from "../../src/routing/classifier/thresholds";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * GET /api/routing gives the thresholds the classifier uses (as the dashboard's Routing page shows
 * them), not only the configuration's overrides: with none set it said `{}`, and with a lone
 * ROUTING_STANDARD_THRESHOLD it left out the premium bound in force.
 */
let upstream: MockOpenAIUpstream;

beforeAll(() => {
  upstream = startMockOpenAIUpstream();
});

afterAll(() => upstream.close());

async function thresholds(env: Record<string, string>): Promise<unknown> {
  const proxy: TestProxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-api-routing-thresholds", OPENAI_BASE_URL: upstream.url, ...env });
  try {
    return ((await (await fetch(`${proxy.origin}/api/routing`)).json()) as { thresholds: unknown }).thresholds;
  } finally {
    await proxy.close();
  }
}

test("with no override, the shipped thresholds", async () => {
  expect(await thresholds({})).toEqual({ standard: DEFAULT_THRESHOLDS.standard, premium: DEFAULT_THRESHOLDS.premium });
});

test("with one override, both bounds in force", async () => {
  expect(await thresholds({ ROUTING_STANDARD_THRESHOLD: "90" })).toEqual({ standard: 90, premium: 91 });
});
