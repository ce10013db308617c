import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { expectNoCliChildren, withEnvironment } from "../helpers/claude-cli-proxy";
import { type ClaudeCliSandbox, createClaudeCliSandbox, realClaudeCli } from "../helpers/claude-cli-sandbox";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The real `claude` binary, whose (mock) Anthropic API never answers, is the cheapest economy
 * model twice over (two haiku-class CLI models). One UPSTREAM_TIMEOUT_MS on the first must move the
 * request to another provider (OpenAI, a mock): the second CLI model is not started.
 */
const UPSTREAM_TIMEOUT_MS = 4_000;
let anthropic: MockAnthropicUpstream;
let openai: MockOpenAIUpstream;
let sandbox: ClaudeCliSandbox;
let proxy: TestProxy;

beforeAll(async () => {
  anthropic = startMockAnthropicUpstream();
  openai = startMockOpenAIUpstream();
  sandbox = createClaudeCliSandbox(anthropic.url);
  proxy = await withEnvironment(sandbox.env, () =>
    startTestProxy({
      CLAUDE_CLI_ENABLED: "true",
      CLAUDE_CLI_PATH: realClaudeCli,
      OPENAI_API_KEY: "sk-test-hung-cli-1234567890",
      OPENAI_BASE_URL: openai.url,
      UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    }),
  );
}, 30_000);

afterAll(async () => {
  await proxy.close();
  await openai.close();
  await anthropic.close();
  sandbox.cleanup();
});

test("a CLI whose API hangs costs one UPSTREAM_TIMEOUT_MS, then another provider answers", async () => {
  anthropic.enqueue(...Array.from({ length: 8 }, () => ({ kind: "hang" as const })));
  const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "Hello" }] }).withResponse();
  expect(response.headers.get("x-provider")).toBe("openai");
  // At most one CLI model ever asked the API (none when, on a loaded machine, the CLI had not yet
  // started its request within the timeout): the attempts below say the others were not run.
  const models = new Set(anthropic.requests.filter((request) => request.path === "/v1/messages").map((request) => request.body.model));
  expect(models.size).toBeLessThanOrEqual(1);
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  const cli = row!.attempts!.filter((attempt) => attempt.provider === "claude-cli");
  expect(cli[0]!.error).toContain("did not respond within");
  expect(cli.slice(1).every((attempt) => attempt.error === "circuit open")).toBe(true);
  await expectNoCliChildren();
}, 30_000);
