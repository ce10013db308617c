import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The savings baseline defaults to the first active provider's dearest premium model, which is the
 * Claude CLI's when it is active and no DEFAULT_PROVIDER is set. Under subscription billing that
 * model costs $0 at the margin, and the baseline was priced at that $0: every routed request
 * served elsewhere was logged as a negative saving. The baseline is what the request would cost
 * at the model's list price (the Anthropic API's, for the CLI's models).
 */
const fakeCli = join(import.meta.dir, "..", "helpers", "fake-claude-cli.ts");
let lab: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  lab = startMockOpenAIUpstream();
  const providers = [{ id: "lab", baseUrl: lab.url, models: [{ id: "lab-coder", inputPricePerMillion: 3, outputPricePerMillion: 15, tier: "standard" }] }];
  proxy = await startTestProxy({ CLAUDE_CLI_ENABLED: "true", CLAUDE_CLI_PATH: fakeCli, CUSTOM_PROVIDERS: JSON.stringify(providers) });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await lab.close();
});

test("a CLI baseline is priced at its list price, so a request routed elsewhere does not save less than nothing", async () => {
  // JSON output is not something the CLI can do: the router sends it to lab.
  const { response } = await client.chat.completions
    .create({ model: "standard", response_format: { type: "json_object" }, messages: [{ role: "user", content: "Rename x to count, as JSON" }] })
    .withResponse();
  expect(response.headers.get("x-provider")).toBe("lab");
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row!.baselineModel).toStartWith("claude-cli:");
  expect(row!.costUsd).toBeGreaterThan(0);
  expect(row!.baselineCostUsd!).toBeGreaterThan(row!.costUsd);
}, 30_000);
