import { expect } from "bun:test";
import OpenAI from "openai";
import { type ClaudeCliSandbox, createClaudeCliSandbox, realClaudeCli, realCliChildren } from "./claude-cli-sandbox";
import { type MockAnthropicOptions, type MockAnthropicUpstream, startMockAnthropicUpstream } from "./mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "./test-proxy";

/**
 * The official `openai` client → the proxy (CLAUDE_CLI_ENABLED, CLAUDE_CLI_PATH = the real binary,
 * subscription billing) → `claude -p` → the mock Anthropic API, for end-to-end test files. The
 * provider hands the CLI the proxy's own environment, captured when the provider is built; the
 * sandbox's variables are in process.env only for that moment.
 */
export interface ClaudeCliProxy {
  upstream: MockAnthropicUpstream;
  sandbox: ClaudeCliSandbox;
  proxy: TestProxy;
  client: OpenAI;
  close(): Promise<void>;
}

export async function withEnvironment<T>(environment: Record<string, string>, build: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    return await build();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export async function startClaudeCliProxy(upstreamOptions: MockAnthropicOptions = {}): Promise<ClaudeCliProxy> {
  const upstream = startMockAnthropicUpstream(upstreamOptions);
  const sandbox = createClaudeCliSandbox(upstream.url);
  const proxy = await withEnvironment(sandbox.env, () => startTestProxy({ CLAUDE_CLI_ENABLED: "true", CLAUDE_CLI_PATH: realClaudeCli }));
  const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  return {
    upstream,
    sandbox,
    proxy,
    client,
    async close() {
      await proxy.close();
      await upstream.close();
      sandbox.cleanup();
    },
  };
}

/** The CLI exits (or is stopped) just after its answer; give it a moment, then there must be none. */
export async function expectNoCliChildren(): Promise<void> {
  const deadline = performance.now() + 3000;
  while (realCliChildren().length > 0 && performance.now() < deadline) await Bun.sleep(20);
  expect(realCliChildren()).toEqual([]);
}

export type Body = Record<string, unknown>;
export type Block = { type: string; text?: string; name?: string; source?: unknown };

/** The content blocks of the last user turn the CLI sent upstream (it adds system-reminder blocks before the prompt). */
export function lastUserBlocks(body: Body): Block[] {
  const messages = body.messages as Array<{ role: string; content: string | Block[] }>;
  const last = messages.filter((message) => message.role === "user").at(-1)!;
  return typeof last.content === "string" ? [{ type: "text", text: last.content }] : last.content;
}
export const userText = (body: Body) => lastUserBlocks(body).map((block) => block.text ?? "").join("\n");
export const offeredTools = (body: Body) => (body.tools as Array<{ name: string; description: string; input_schema: unknown }>) ?? [];
export const systemText = (body: Body) => (body.system as Array<{ text: string }>).map((block) => block.text).join("\n");
