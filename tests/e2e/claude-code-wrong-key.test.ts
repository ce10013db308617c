import { afterAll, beforeAll, expect, test } from "bun:test";
import { createClaudeCliSandbox, realClaudeCli } from "../helpers/claude-cli-sandbox";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The real Claude Code against a proxy with PROXY_API_KEY, given another key. Claude Code retries
 * a 401 (up to 10 times, with back-off: minutes of silence under `claude -p`) unless the answer
 * says `x-should-retry: false`, as Anthropic's API does for errors a retry cannot mend. With it,
 * the CLI stops at once with "Invalid API key · Fix external API key" (its own words for a 401
 * that names the API key).
 */
const PROXY_KEY = "0123456789abcdef-wrong-key-test";
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-wrong-key-0000", OPENAI_BASE_URL: upstream.url, PROXY_API_KEY: PROXY_KEY });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

test("claude -p with a key the proxy refuses stops at once: Invalid API key", async () => {
  const sandbox = createClaudeCliSandbox(proxy.origin);
  // As the README sets it up: an API key, no login, and the CLI's own retry count (the sandbox turns retries off).
  const { CLAUDE_CODE_MAX_RETRIES: _retries, CLAUDE_CODE_OAUTH_TOKEN: _login, ...env } = sandbox.env;
  try {
    const started = performance.now();
    const child = Bun.spawn([realClaudeCli, "-p", "Say hello", "--no-session-persistence"], { env: { ...env, ANTHROPIC_API_KEY: "x" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => child.kill(), 30_000);
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    clearTimeout(timer);
    expect({ exitCode, output: stdout + stderr }).toMatchObject({ exitCode: 1, output: expect.stringContaining("Invalid API key") });
    expect(performance.now() - started).toBeLessThan(20_000);
  } finally {
    sandbox.cleanup();
  }
}, 60_000);

test("the 401 and the foreign-host 403 say x-should-retry: false", async () => {
  const refused = await fetch(`${proxy.origin}/v1/messages`, { method: "POST", headers: { "x-api-key": "x", "anthropic-version": "2023-06-01", "content-type": "application/json" }, body: "{}" });
  expect(refused.status).toBe(401);
  expect(refused.headers.get("x-should-retry")).toBe("false");
  const foreign = await fetch(`${proxy.url}/chat/completions`, { method: "POST", headers: { host: "evil.example", authorization: `Bearer ${PROXY_KEY}` }, body: "{}" });
  expect(foreign.status).toBe(403);
  expect(foreign.headers.get("x-should-retry")).toBe("false");
});
