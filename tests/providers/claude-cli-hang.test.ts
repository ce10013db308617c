import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A hung Claude CLI (the fake CLI's `hang`: it starts, then never answers) costs one
 * UPSTREAM_TIMEOUT_MS per request, not one per CLI model of the fallback chain: its other models
 * are skipped, the CLI is paused for the cool-down, and the Anthropic API (a mock) answers.
 */
const fakeCli = join(import.meta.dir, "..", "helpers", "fake-claude-cli.ts");
const recordDirectory = mkdtempSync(join(tmpdir(), "fake-claude-hang-"));
const timeoutMs = 1_500;
let anthropic: MockAnthropicUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  anthropic = startMockAnthropicUpstream({ apiKey: "sk-ant-hang-key" });
  process.env.FAKE_CLAUDE_RECORD_DIR = recordDirectory;
  try {
    proxy = await startTestProxy({
      CLAUDE_CLI_ENABLED: "true",
      CLAUDE_CLI_PATH: fakeCli,
      ANTHROPIC_API_KEY: "sk-ant-hang-key",
      ANTHROPIC_BASE_URL: anthropic.url,
      UPSTREAM_TIMEOUT_MS: String(timeoutMs),
    });
  } finally {
    delete process.env.FAKE_CLAUDE_RECORD_DIR;
  }
});

afterAll(async () => {
  await proxy.close();
  await anthropic.close();
  rmSync(recordDirectory, { recursive: true, force: true });
});

const cliRuns = () => readdirSync(recordDirectory).filter((name) => name.endsWith(".json")).length;

test("one timeout of the hung CLI: its other models are skipped and paused, the API answers", async () => {
  const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "[[fake:hang]] hi" }] }).withResponse();
  expect(response.headers.get("x-provider")).toBe("anthropic");
  // One CLI run waited out the timeout; the other CLI models were skipped, not run (no timed assertion: counts prove it).
  expect(cliRuns()).toBe(1);

  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  const cliAttempts = row!.attempts!.filter((attempt) => attempt.provider === "claude-cli");
  expect(cliAttempts.length).toBeGreaterThanOrEqual(2);
  expect(cliAttempts[0]!.error).toContain(`did not respond within ${timeoutMs} ms`);
  expect(cliAttempts.slice(1).every((attempt) => attempt.error === "circuit open")).toBe(true);

  const breakers = ((await (await fetch(`${proxy.origin}/api/routing`)).json()) as { breakers: { key: string; state: string }[] }).breakers;
  const cli = breakers.filter((breaker) => breaker.key.startsWith("claude-cli:"));
  expect(cli.length).toBeGreaterThanOrEqual(5);
  for (const breaker of cli) expect(breaker.state).toBe("open");

  // The next request does not wait for the paused CLI: it never starts it.
  const again = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "hi again" }] }).withResponse();
  expect(again.response.headers.get("x-provider")).toBe("anthropic");
  expect(cliRuns()).toBe(1);
}, 30_000);
