import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { createClaudeCliSandbox, realClaudeCli } from "../helpers/claude-cli-sandbox";
import { codexConfig, createCodexSandbox, realCodexCli } from "../helpers/codex-sandbox";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The commonest setup mistake: a base URL with one /v1 too many or too few (Claude Code's
 * ANTHROPIC_BASE_URL takes the proxy's address without /v1, OpenAI clients with it). Claude Code
 * shows no 404 body: it says "There's an issue with the selected model", which sends the user
 * after the model name. The proxy answers such a path (a served endpoint under another prefix)
 * with a 400 that names the base URL to set, which both real agents print.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-wrong-base-url-0000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

async function run(command: string[], env: Record<string, string>, cwd?: string): Promise<{ exitCode: number; output: string }> {
  const child = Bun.spawn(command, { env, cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => child.kill(), 60_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(timer);
  return { exitCode, output: stdout + stderr };
}

test("claude -p with ANTHROPIC_BASE_URL ending in /v1 prints how to set it", async () => {
  const sandbox = createClaudeCliSandbox(`${proxy.origin}/v1`);
  try {
    const calls = upstream.requests.length;
    const result = await run([realClaudeCli, "-p", "Say hello", "--no-session-persistence"], { ...sandbox.env, ANTHROPIC_API_KEY: "x" });
    expect(result.exitCode).not.toBe(0);
    expect(result.output).not.toContain("issue with the selected model");
    expect(result.output).toContain(`ANTHROPIC_BASE_URL=${proxy.origin} `);
    expect(upstream.requests.length).toBe(calls);
  } finally {
    sandbox.cleanup();
  }
}, 90_000);

test("codex exec with base_url missing /v1 prints the one to set", async () => {
  const sandbox = createCodexSandbox(proxy.url);
  try {
    writeFileSync(join(sandbox.env.CODEX_HOME!, "config.toml"), codexConfig(proxy.origin));
    const result = await run([realCodexCli, "exec", "--skip-git-repo-check", "--ephemeral", "-C", sandbox.workdir, "Say hello"], sandbox.env, sandbox.workdir);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain(`base URL ${proxy.url} `);
  } finally {
    sandbox.cleanup();
  }
}, 90_000);

test("the SDKs get a 400 wrong_base_url in their own shape; an unrelated unknown route stays a 404", async () => {
  const anthropic = new Anthropic({ apiKey: "x", baseURL: `${proxy.origin}/v1`, maxRetries: 0 });
  const refused = await anthropic.messages.create({ model: "auto", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
  expect((refused as Error).message).toContain("/v1/v1/messages");

  const openai = new OpenAI({ apiKey: "x", baseURL: `${proxy.origin}/v1/v1`, maxRetries: 0 });
  const wrong = await openai.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] }).catch((error: unknown) => error);
  expect(wrong).toBeInstanceOf(OpenAI.BadRequestError);
  expect((wrong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("wrong_base_url");
  expect((wrong as Error).message).toContain(`${proxy.url} `);

  for (const path of ["/v1//chat/completions", "/v1/chat/completions/", "/v1/responses//"]) {
    const slashed = await fetch(`${proxy.origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(slashed.status).toBe(400);
    const { error } = (await slashed.json()) as { error: { code?: string; message: string } };
    expect(error.message).toContain("a doubled or trailing slash");
    expect(error.message).toContain(`${proxy.url} `);
  }

  const unknown = await fetch(`${proxy.url}/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(unknown.status).toBe(404);
});
