/**
 * Time to first token of the Claude CLI provider, against a local mock of the Anthropic API (no
 * network): a plain `claude -p` run, the same through the proxy with one process per request, and
 * through the proxy with a warm pool (CLAUDE_CLI_POOL_SIZE=1); each through the proxy also with a
 * client tool (time to the first tool-call delta; the mock answers a request offering tools with a
 * call of the first one). Prints p50/p90 of each over N runs.
 *
 *   bun run bench/claude-cli-ttft.ts [runs=10] [pause-ms=1500]
 *
 * The pause between runs lets the pool's replacement process finish starting, as it would between
 * a user's requests; with no pause the pool can only hide part of the start-up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { silentLogger } from "../src/logger";
import { initializeLine, runArguments, userLine } from "../src/providers/claude-cli/cli-arguments";
import { buildProxy } from "../src/server";
import { createClaudeCliSandbox, realClaudeCli } from "../tests/helpers/claude-cli-sandbox";
import { startMockAnthropicUpstream } from "../tests/helpers/mock-anthropic-upstream";

const runs = Number(process.argv[2] ?? 10);
const pauseMs = Number(process.argv[3] ?? 1500);
const model = "claude-haiku-4-5";
const prompt = "Say hello in five words.";

const upstream = startMockAnthropicUpstream({
  defaultReply: (body) => {
    const tools = (body.tools as Array<{ name: string }> | undefined) ?? [];
    return tools.length > 0 ? { content: [{ type: "tool_use", name: tools[0]!.name, input: { path: "src/app.ts" } }] } : { content: [{ type: "text", text: "Hello there, from the mock." }] };
  },
});
const sandbox = createClaudeCliSandbox(upstream.url);
// The provider hands the CLI the proxy's own environment: this process's, here.
Object.assign(process.env, sandbox.env);
const workDirectory = mkdtempSync(join(tmpdir(), "claude-cli-bench-"));
const readFile = { type: "function", function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } } };

const percentile = (values: number[], fraction: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
};
const report = (label: string, values: number[]) =>
  console.log(`${label.padEnd(34)} p50 ${percentile(values, 0.5).toFixed(0).padStart(5)} ms   p90 ${percentile(values, 0.9).toFixed(0).padStart(5)} ms   (n=${values.length})`);

/** Spawn → first text delta on stdout. */
async function plainCliTtft(): Promise<number> {
  const started = performance.now();
  const child = Bun.spawn([realClaudeCli, ...runArguments(model)], { cwd: workDirectory, env: sandbox.env, stdin: "pipe", stdout: "pipe", stderr: "ignore" });
  child.stdin.write(initializeLine("You are terse.") + userLine([{ type: "text", text: prompt }]));
  await child.stdin.end();
  const decoder = new TextDecoder();
  let pending = "";
  let ttft: number | undefined;
  for await (const bytes of child.stdout) {
    pending += decoder.decode(bytes, { stream: true });
    if (ttft === undefined && pending.includes('"text_delta"')) ttft = performance.now() - started;
  }
  await child.exited;
  if (ttft === undefined) throw new Error("the CLI answered without a text delta");
  return ttft;
}

/** Request sent → first content delta (with tools: first tool-call delta) in the proxy's SSE answer. */
async function proxyTtft(origin: string, withTools = false): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${origin}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer anything" },
    body: JSON.stringify({
      model: `claude-cli:${model}`,
      stream: true,
      messages: [{ role: "system", content: "You are terse." }, { role: "user", content: prompt }],
      ...(withTools ? { tools: [readFile] } : {}),
    }),
  });
  if (!response.ok || !response.body) throw new Error(`proxy answered ${response.status}: ${await response.text()}`);
  const decoder = new TextDecoder();
  let pending = "";
  let ttft: number | undefined;
  for await (const bytes of response.body) {
    pending += decoder.decode(bytes, { stream: true });
    if (ttft === undefined && (withTools ? pending.includes('"tool_calls"') : /"content":"[^"]/.test(pending))) ttft = performance.now() - started;
  }
  if (ttft === undefined) throw new Error(withTools ? "the proxy streamed no tool call" : "the proxy streamed no content");
  return ttft;
}

async function measure(label: string, once: () => Promise<number>, warmups: number): Promise<void> {
  for (let index = 0; index < warmups; index++) {
    await once();
    await Bun.sleep(pauseMs);
  }
  const values: number[] = [];
  for (let index = 0; index < runs; index++) {
    values.push(await once());
    await Bun.sleep(pauseMs);
  }
  report(label, values);
}

async function withProxy(poolSize: number, body: (origin: string) => Promise<void>): Promise<void> {
  const database = await openDatabase({ dataDir: "memory://" });
  const config = loadConfig({
    OLLAMA_ENABLED: "false",
    LOG_LEVEL: "silent",
    CLAUDE_CLI_ENABLED: "true",
    CLAUDE_CLI_PATH: realClaudeCli,
    CLAUDE_CLI_POOL_SIZE: String(poolSize),
  });
  const proxy = await buildProxy(config, silentLogger, { database });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: proxy.app.fetch, idleTimeout: 60 });
  try {
    await body(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.stop(true);
    await proxy.close();
    await database.close();
  }
}

console.log(`claude ${(await Bun.$`${realClaudeCli} --version`.env(sandbox.env).text()).trim()}; ${runs} runs, ${pauseMs} ms apart; mock Anthropic API on 127.0.0.1`);
try {
  await measure("plain claude -p", plainCliTtft, 1);
  await withProxy(0, async (origin) => {
    await measure("proxy, one process per request", () => proxyTtft(origin), 1);
    await measure("  the same with a client tool", () => proxyTtft(origin, true), 1);
  });
  // The first request fills the pool; the measured ones are served by warm processes.
  await withProxy(1, async (origin) => {
    await measure("proxy, CLAUDE_CLI_POOL_SIZE=1", () => proxyTtft(origin), 1);
    await measure("  the same with a client tool", () => proxyTtft(origin, true), 1);
  });
} finally {
  await upstream.close();
  sandbox.cleanup();
  rmSync(workDirectory, { recursive: true, force: true });
}
